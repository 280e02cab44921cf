package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What loading finds out reaches the run: a folder's skipped images are logged as {@code data/skipped};
 * a dataset of unknown size holds out 10% for validation by default and records that rule.
 */
class DataLoadRunTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String name, String data) throws IOException {
        Path yaml = dir.resolve(name + ".yaml");
        Files.writeString(yaml, String.join("\n",
                "name: " + name,
                "seed: 1",
                "data: " + data,
                "model:",
                "  type: vae",
                "  latent_dim: 2",
                "  encoder: {type: mlp, hidden: [16]}",
                "  decoder: {type: mlp, hidden: [16]}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 1, batch_size: 8, max_steps: 4, optimizer: {type: adam, lr: 1.0e-3}}",
                "log: {every_steps: 2, grids_every_epochs: 0}",
                "export: {onnx: false}", ""));
        return Main.execute(Bootstrap.injector(), new PrintWriter(err, true), "run", yaml.toString(),
                "--results", dir.resolve("results").toString(), "--data-dir", dir.resolve("data").toString(), "--threads", "1");
    }

    private Path onlyRun(String experiment) throws IOException {
        try (Stream<Path> runs = Files.list(dir.resolve("results").resolve(experiment))) {
            return runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void aFolderWithACorruptImageAndSkipBadLogsDataSkipped() throws IOException {
        Path folder = dir.resolve("photos");
        Files.createDirectories(folder);
        for (int i = 0; i < 40; i++) {
            BufferedImage image = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
            image.setRGB(i % 10, i / 10, 0xffffff);
            assertTrue(ImageIO.write(image, "png", folder.resolve(i + ".png").toFile()));
        }
        Files.writeString(folder.resolve("corrupt.jpg"), "not a JPEG");
        StringWriter err = new StringWriter();
        String data = "{dataset: image-folder, path: '" + folder + "', image_size: 8, channels: 1, skip_bad: true, validation: 4}";
        assertEquals(0, run(err, "skips", data), err.toString());
        List<MetricRow> skipped = RunStore.open(onlyRun("skips")).readMetrics().stream().filter(r -> r.key().equals("data/skipped")).toList();
        assertEquals(1, skipped.size(), "logged once, at the start: " + skipped);
        assertEquals(1.0, skipped.get(0).value());
        assertEquals(0, skipped.get(0).step());
    }

    /** A {@code .npz} of one deflated member {@code imgs}: uint8 images [n, side, side], image i lit at pixel i mod side². */
    private Path npz(int n, int side) throws IOException {
        String header = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + n + ", " + side + ", " + side + "), }";
        int unpadded = 10 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteArrayOutputStream npy = new ByteArrayOutputStream();
        npy.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), (byte) (header.length() >> 8)});
        npy.write(header.getBytes(StandardCharsets.US_ASCII));
        byte[] pixels = new byte[n * side * side];
        for (int i = 0; i < n; i++) {
            pixels[i * side * side + i % (side * side)] = (byte) 255;
        }
        npy.write(pixels);
        Path file = dir.resolve("six-hundred.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("imgs.npy"));
            zip.write(npy.toByteArray());
            zip.closeEntry();
        }
        return file;
    }

    @Test
    void aSixHundredImageNpzWithoutValidationTrainsAndRecordsTheRule() throws IOException {
        Path file = npz(600, 8);
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "own-npz", "{dataset: numpy, path: '" + file + "', images: imgs}"), err.toString());
        Path run = onlyRun("own-npz");
        String config = RunStore.open(run).readConfig();
        assertTrue(config.contains("validation: 10%\n"), "the resolved config records the rule it used:\n" + config);
        assertTrue(RunStore.open(run).readSummary().containsKey("test/elbo"), "trained and evaluated");
        assertTrue(RunStore.open(run).readMetrics().stream().anyMatch(r -> r.key().equals("val/elbo")), "validated on the 10%");
    }
}
