package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunStore;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What loading finds out reaches the run: a folder's skipped images are logged as {@code data/skipped}. */
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
}
