package dev.vaelab.data.cifar;

import dev.vaelab.core.error.DataException;
import dev.vaelab.data.Checksum;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Extracts the binary version of CIFAR-10 ({@code cifar-10-binary.tar.gz}) into a directory:
 * {@code data_batch_1.bin} to {@code data_batch_5.bin}, {@code test_batch.bin} and
 * {@code batches.meta.txt} from the archive's {@code cifar-10-batches-bin/}.
 *
 * <p>The archive is read in one pass while its checksum is computed; the files are written under
 * temporary names and moved into place only when the checksum has matched and every file was found
 * with a whole number of records, so the directory never holds a partial extraction. The batches are
 * extracted rather than streamed because the archive does not keep them in order.
 */
public final class CifarArchive {
    /** The folder inside the archive that holds the files. */
    public static final String FOLDER = "cifar-10-batches-bin";
    public static final List<String> TRAIN_BATCHES =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_BATCH = "test_batch.bin";
    public static final String META = "batches.meta.txt";

    private static final int BUFFER = 1 << 16;

    private CifarArchive() {}

    /** The extracted files, each batch a whole number of records. */
    public record Batches(List<Path> train, Path test, List<String> labelNames) {
        public Batches {
            train = List.copyOf(train);
            labelNames = List.copyOf(labelNames);
        }
    }

    /** The batches already extracted into {@code directory}, if all of them are there. */
    public static Optional<Batches> extracted(Path directory) {
        List<Path> train = TRAIN_BATCHES.stream().map(directory::resolve).toList();
        Path test = directory.resolve(TEST_BATCH);
        Path meta = directory.resolve(META);
        if (!train.stream().allMatch(Files::isRegularFile) || !Files.isRegularFile(test) || !Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Batches(train, test, labelNames(Files.readAllBytes(meta), meta.toString())));
        } catch (IOException e) {
            throw new DataException(meta + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * Extracts {@code archive} into {@code directory} (created if needed), verifying {@code checksum}
     * when given.
     *
     * @throws DataException naming the archive when it is corrupt, truncated, fails its checksum or lacks a file
     */
    public static Batches extract(Path archive, Optional<Checksum> checksum, Path directory) {
        List<String> wanted = new ArrayList<>(TRAIN_BATCHES);
        wanted.add(TEST_BATCH);
        wanted.add(META);
        Map<String, Path> temps = new LinkedHashMap<>();
        try {
            Files.createDirectories(directory);
            MessageDigest digest = checksum.map(Checksum::newDigest).orElse(null);
            try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), BUFFER)) {
                InputStream raw = digest == null ? file : new DigestInputStream(file, digest);
                String problem = null;
                try {
                    GZIPInputStream gzip = new GZIPInputStream(raw, BUFFER);
                    TarReader tar = new TarReader(gzip);
                    for (var entry = tar.next(); entry.isPresent(); entry = tar.next()) {
                        String name = entry.get().name();
                        String base = name.substring(name.lastIndexOf('/') + 1);
                        if (entry.get().isFile() && name.equals(FOLDER + "/" + base) && wanted.contains(base) && !temps.containsKey(base)) {
                            Path temp = Files.createTempFile(directory, "." + base + ".", ".part");
                            temps.put(base, temp);
                            try (OutputStream out = Files.newOutputStream(temp)) {
                                tar.content().transferTo(out);
                            }
                        }
                    }
                    // past the tar's end marker to the gzip trailer, whose CRC and length are checked only there
                    gzip.transferTo(OutputStream.nullOutputStream());
                } catch (TarFormatException e) {
                    problem = e.getMessage();
                } catch (ZipException | EOFException e) {
                    problem = "not a complete gzip file (" + e.getMessage() + ")";
                }
                if (digest != null) {
                    raw.transferTo(OutputStream.nullOutputStream());
                    byte[] actual = digest.digest();
                    if (!checksum.get().matches(actual)) {
                        throw new DataException(archive + ": checksum mismatch: expected " + checksum.get().describe() + ", got "
                                + java.util.HexFormat.of().formatHex(actual) + "; delete the file to download it again");
                    }
                }
                if (problem != null) {
                    throw new DataException(archive + ": " + problem);
                }
            }
            List<String> missing = wanted.stream().filter(w -> !temps.containsKey(w)).toList();
            if (!missing.isEmpty()) {
                throw new DataException(archive + ": not the CIFAR-10 binary archive, it lacks " + String.join(", ", missing.stream()
                        .map(m -> FOLDER + "/" + m).toList()));
            }
            for (String name : wanted) {
                if (!name.equals(META)) {
                    long size = Files.size(temps.get(name));
                    if (size == 0 || size % CifarBatch.RECORD_BYTES != 0) {
                        throw new DataException(archive + ": " + FOLDER + "/" + name + " has " + size + " bytes, not a whole number of "
                                + CifarBatch.RECORD_BYTES + "-byte records");
                    }
                }
            }
            List<String> labels = labelNames(Files.readAllBytes(temps.get(META)), archive + ": " + FOLDER + "/" + META);
            for (String name : wanted) {
                move(temps.get(name), directory.resolve(name));
            }
            return new Batches(TRAIN_BATCHES.stream().map(directory::resolve).toList(), directory.resolve(TEST_BATCH), labels);
        } catch (NoSuchFileException e) {
            throw new DataException(archive + ": no such file");
        } catch (IOException e) {
            throw new DataException(archive + ": cannot extract into " + directory + ": " + e.getMessage());
        } finally {
            for (Path temp : temps.values()) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // A hidden .part file left behind is harmless; the next extraction writes new ones.
                }
            }
        }
    }

    /** The ten class names, one a line; blank lines (the file ends with some) are ignored. */
    private static List<String> labelNames(byte[] meta, String where) {
        List<String> names = new String(meta, StandardCharsets.UTF_8).lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (names.size() != CifarBatch.CLASSES) {
            throw new DataException(where + ": expected " + CifarBatch.CLASSES + " class names, one a line, found " + names.size());
        }
        return names;
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
