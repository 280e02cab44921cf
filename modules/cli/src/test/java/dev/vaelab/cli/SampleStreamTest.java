package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.inject.Injector;
import dev.vaelab.sweep.ChildJvm;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab sample} on a tiny trained run: {@code --n 64} is the run's sample grid pixel for
 * pixel; {@code --out FILE.npy} streams any N through a small heap, its first 64 images being the
 * grid's tiles; a PNG grid beyond its pixel bound is one line pointing to {@code .npy}, a {@code .npy} beyond the free disk one line too;
 * a stream stopped halfway leaves no part of itself.
 */
class SampleStreamTest {
    private static final int SIDE = 28;
    private static final int HEADER = 128;

    @TempDir
    static Path dir;

    private static Injector injector;
    private static Path run;

    @BeforeAll
    static void train() throws Exception {
        Path data = dir.resolve("data");
        injector = SyntheticDigits.injector(data, 7, 600, 200, true);
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: tiny",
                "seed: 5",
                "data: {dataset: mnist, binarize: none, validation: 100}",
                "model: {type: vae, latent_dim: 3, encoder: {type: mlp, hidden: [16]}, decoder: {type: mlp, hidden: [16]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 1, batch_size: 50, optimizer: {type: adam, lr: 3.0e-3}}",
                "eval: {iw_samples: 0}",
                "log: {every_steps: 20, grids_every_epochs: 1}",
                "export: {onnx: true}", ""));
        assertEquals(0, cli("run", yaml.toString(), "--data-dir", data.toString(), "--results",
                dir.resolve("results").toString(), "--threads", "1").code());
        try (Stream<Path> runs = Files.list(dir.resolve("results/tiny"))) {
            run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void sixtyFourSamplesAreTheRunsGridAndTheFirstImagesOfAStream() throws IOException {
        String decoder = run.resolve("model/decoder.onnx").toString();
        Path png = dir.resolve("64.png");
        assertEquals(0, cli("sample", "--decoder", decoder, "--n", "64", "--out", png.toString(), "--batch-size", "10").code());
        BufferedImage grid = ImageIO.read(png.toFile());
        assertArrayEquals(rgb(ImageIO.read(run.resolve("grids/samples_e001.png").toFile())), rgb(grid), "the run's sample grid");

        Path npy = dir.resolve("1000.npy");
        assertEquals(0, cli("sample", "--decoder", decoder, "--n", "1000", "--out", npy.toString(), "--batch-size", "7").code());
        byte[] bytes = Files.readAllBytes(npy);
        assertEquals(HEADER + 1000L * SIDE * SIDE, bytes.length);
        // each of the first 64 images is its tile of the grid: 2x upscaled, 2 pixels of padding
        for (int i = 0; i < 64; i++) {
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    int level = bytes[HEADER + i * SIDE * SIDE + y * SIDE + x] & 0xff;
                    int gx = 2 + (i % 8) * (2 * SIDE + 2) + 2 * x;
                    int gy = 2 + (i / 8) * (2 * SIDE + 2) + 2 * y;
                    // the raster, not getRGB: a grey PNG reads back through a colour conversion
                    assertEquals(grid.getRaster().getSample(gx, gy, 0), level, "image " + i + " pixel " + y + "," + x);
                }
            }
        }
        // another batch size draws the same codes in the same order
        Path other = dir.resolve("1000-b.npy");
        assertEquals(0, cli("sample", "--decoder", decoder, "--n", "1000", "--out", other.toString(), "--batch-size", "1024").code());
        assertArrayEquals(bytes, Files.readAllBytes(other));
    }

    @Test
    void aHundredThousandSamplesStreamThroughASmallHeap() throws Exception {
        Path npy = dir.resolve("100000.npy");
        ChildJvm current = ChildJvm.current(Main.class.getName());
        List<String> options = new ArrayList<>(current.options());
        // the floats of 100,000 means alone would be 313 MB
        options.add("-Xmx48m");
        ChildJvm small = new ChildJvm(current.java(), options, current.classPath(), current.mainClass());
        Process child = new ProcessBuilder(small.command(List.of("sample", "--decoder",
                run.resolve("model/decoder.onnx").toString(), "--n", "100000", "--batch-size", "500", "--out", npy.toString(),
                "--threads", "1"), dir.resolve("child.args")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "sample did not finish in 2 minutes");
        assertEquals(0, child.exitValue(), Files.readString(dir.resolve("child.log")));
        assertEquals(HEADER + 100_000L * SIDE * SIDE, Files.size(npy));
        try (InputStream in = Files.newInputStream(npy)) {
            byte[] header = in.readNBytes(HEADER);
            assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(header, 8));
            String dict = new String(header, 10, HEADER - 10, StandardCharsets.US_ASCII);
            assertTrue(dict.startsWith("{'descr': '|u1', 'fortran_order': False, 'shape': (100000, 1, 28, 28), }"), dict);
            assertTrue(dict.endsWith(" \n"), dict);
            byte[] first = in.readNBytes(64 * SIDE * SIDE);
            Path sixtyFour = dir.resolve("64.npy");
            assertEquals(0, cli("sample", "--decoder", run.resolve("model/decoder.onnx").toString(), "--n", "64",
                    "--out", sixtyFour.toString()).code());
            byte[] expected = Files.readAllBytes(sixtyFour);
            assertArrayEquals(Arrays.copyOfRange(expected, HEADER, expected.length), first, "the first 64 images are --n 64's");
        }
    }

    @Test
    void aStreamStoppedHalfwayLeavesNoPartOfItself() throws Exception {
        Path out = Files.createDirectories(dir.resolve("stopped"));
        Path npy = out.resolve("million.npy");
        Process child = new ProcessBuilder(ChildJvm.current(Main.class.getName()).command(List.of("sample", "--decoder",
                run.resolve("model/decoder.onnx").toString(), "--n", "1000000", "--out", npy.toString(), "--threads", "1"),
                dir.resolve("stopped.args")))
                .directory(out.toFile()) // where a JVM dying in native code would leave its hs_err file
                .redirectErrorStream(true).redirectOutput(dir.resolve("stopped.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (partFiles(out).stream().noneMatch(p -> p.toFile().length() > (1 << 20))) {
            assertTrue(child.isAlive() && System.nanoTime() < deadline, "no part file of 1 MB while it ran: "
                    + Files.readString(dir.resolve("stopped.log")));
            Thread.sleep(10);
        }
        child.destroy(); // SIGTERM, as Ctrl-C's SIGINT
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("stopped.log"));
        assertEquals(143, child.exitValue(), log);
        assertEquals(List.of(), partFiles(out), "the hidden part file is deleted when the process stops");
        assertFalse(Files.exists(npy), "and nothing stands under the name asked for");
        assertTrue(log.lines().anyMatch(l -> l.equals("error: stopped by SIGTERM; nothing was written to " + npy)), log);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).toList(), "no hs_err file either");
        }
    }

    private static List<Path> partFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith(dev.vaelab.tracking.AtomicFiles.TEMP_PREFIX))
                    .toList();
        }
    }

    @Test
    void aGridBeyondItsPixelBoundPointsToTheStreamingFormat() throws IOException {
        Result r = cli("sample", "--decoder", run.resolve("model/decoder.onnx").toString(), "--n", "100000",
                "--out", dir.resolve("never.png").toString());
        assertEquals(1, r.code(), r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("--n 100000 samples in 317 columns make a grid of ")
                && line.contains("more than the 16777216 a PNG grid may have") && line.contains("--out FILE.npy"), line);
        assertFalse(Files.exists(dir.resolve("never.png")));
        Result batch = cli("sample", "--decoder", run.resolve("model/decoder.onnx").toString(), "--batch-size", "0",
                "--out", dir.resolve("never.npy").toString());
        assertEquals(1, batch.code());
        assertTrue(batch.err().contains("--batch-size must be at least 1, got 0"), batch.err());
        // 2 billion MNIST images are 1.5 TB: refused before a code is decoded (on a disk with less free)
        assumeTrue(Files.getFileStore(dir).getUsableSpace() < 2_000_000_000L * SIDE * SIDE, "the disk has 1.5 TB free");
        Result disk = cli("sample", "--decoder", run.resolve("model/decoder.onnx").toString(), "--n", "2000000000",
                "--out", dir.resolve("never.npy").toString());
        assertEquals(1, disk.code(), disk.err());
        assertTrue(disk.err().contains("never.npy would be 1495362 MB, more than the ")
                && disk.err().contains("MB free on the disk of "), disk.err());
        assertFalse(Files.exists(dir.resolve("never.npy")));
    }

    private static int[] rgb(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static Result cli(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(injector, new PrintWriter(err, true), args);
        assertFalse(err.toString().contains("\tat "), "a stack trace: " + err);
        return new Result(code, err.toString());
    }

    private record Result(int code, String err) {
    }
}
