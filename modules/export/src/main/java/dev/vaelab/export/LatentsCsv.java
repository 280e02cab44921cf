package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Latent codes as CSV: a header, then one row per example with {@code file} (pictures read from a folder: each one's
 * path below it, quoted where it holds a comma, a quote or a line break), {@code label} (where the examples have
 * labels), {@code mu_0..mu_{L-1}} and {@code logvar_0..logvar_{L-1}}. Values are written as the shortest
 * decimal that reads back to the same float, so decoding the CSV's means gives exactly what
 * decoding the encoder's output does.
 */
public final class LatentsCsv {
    private LatentsCsv() {
    }

    /** Writes the posteriors, with each example's name (a picture's path) and label where given, to {@code file} atomically. */
    public static void write(Path file, Latents latents, Optional<int[]> labels, Optional<List<String>> names) {
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>();
        names.ifPresent(n -> header.add("file"));
        labels.ifPresent(l -> header.add("label"));
        for (int d = 0; d < latents.latentDim(); d++) {
            header.add("mu_" + d);
        }
        for (int d = 0; d < latents.latentDim(); d++) {
            header.add("logvar_" + d);
        }
        out.append(String.join(",", header)).append('\n');
        int dim = latents.latentDim();
        for (int i = 0; i < latents.count(); i++) {
            if (names.isPresent()) {
                out.append(quoted(names.get().get(i))).append(',');
            }
            if (labels.isPresent()) {
                out.append(labels.get()[i]).append(',');
            }
            for (int d = 0; d < dim; d++) {
                out.append(latents.mu()[i * dim + d]).append(',');
            }
            for (int d = 0; d < dim; d++) {
                out.append(latents.logvar()[i * dim + d]).append(d + 1 < dim ? "," : "\n");
            }
        }
        AtomicFiles.writeString(file, out.toString());
    }

    /** {@code cell} as a CSV value: as it is, or quoted (quotes doubled) where it holds a comma, a quote or a line break. */
    static String quoted(String cell) {
        return cell.matches("[^,\"\r\n]*") ? cell : '"' + cell.replace("\"", "\"\"") + '"';
    }

    /** The cells of one CSV line, a quoted cell unquoted (its doubled quotes single); null where a quote is left open. */
    static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return quoted ? null : cells;
    }

    /** Codes to decode: the {@code mu_*} columns (or {@code z_*}) and the {@code label} column if any. */
    public record Codes(float[] z, int count, Optional<int[]> labels) {
    }

    /** Reads codes of {@code latentDim} dimensions from {@code file}. */
    public static Codes read(Path file, int latentDim) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        } catch (NoSuchFileException e) {
            throw new VaelabException("--latents " + file + ": no such file");
        } catch (IOException e) {
            throw new VaelabException("--latents " + file + ": cannot read it: " + e.getMessage(), e);
        }
        if (lines.size() < 2) {
            throw new VaelabException("--latents " + file + " has no rows below its header");
        }
        List<String> header = List.of(lines.get(0).strip().split(","));
        String prefix = header.contains("mu_0") ? "mu_" : "z_";
        int[] columns = new int[latentDim];
        for (int d = 0; d < latentDim; d++) {
            columns[d] = header.indexOf(prefix + d);
            if (columns[d] < 0) {
                throw new VaelabException("--latents " + file + " has no column " + prefix + d + "; the decoder takes "
                        + latentDim + " dimensions (vaelab.latent_dim), as mu_0..mu_" + (latentDim - 1) + " or z_0..z_"
                        + (latentDim - 1));
            }
        }
        if (header.contains(prefix + latentDim)) {
            throw new VaelabException("--latents " + file + " has column " + prefix + latentDim + ": its codes have more "
                    + "than the decoder's " + latentDim + " dimensions");
        }
        int labelColumn = header.indexOf("label");
        int count = lines.size() - 1;
        float[] z = new float[count * latentDim];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            List<String> cells = cells(lines.get(i + 1).strip());
            if (cells == null) {
                throw new VaelabException("--latents " + file + " line " + (i + 2) + " has a quote that is not closed");
            }
            if (cells.size() != header.size()) {
                throw new VaelabException("--latents " + file + " line " + (i + 2) + " has " + cells.size()
                        + " values, the header " + header.size());
            }
            try {
                for (int d = 0; d < latentDim; d++) {
                    z[i * latentDim + d] = Float.parseFloat(cells.get(columns[d]));
                }
                if (labelColumn >= 0) {
                    labels[i] = Integer.parseInt(cells.get(labelColumn).strip());
                }
            } catch (NumberFormatException e) {
                throw new VaelabException("--latents " + file + " line " + (i + 2) + ": not a number: " + e.getMessage());
            }
        }
        return new Codes(z, count, labelColumn >= 0 ? Optional.of(labels) : Optional.empty());
    }
}
