package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.export.ExportRequest;
import dev.vaelab.export.ExportedModels;
import dev.vaelab.export.IdxFiles;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.ModelFile;
import dev.vaelab.export.Role;
import dev.vaelab.export.ParityCheck;
import dev.vaelab.export.ParityInputs;
import dev.vaelab.export.ParityReport;
import dev.vaelab.train.Checkpoint;
import dev.vaelab.train.ExperimentResolver;
import dev.vaelab.train.ResolvedExperiment;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.util.Arrays;
import java.util.Optional;
import dev.vaelab.export.GridPngReader;
import dev.vaelab.export.Images;
import dev.vaelab.export.LatentsCsv;
import dev.vaelab.export.ModelValidator;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.tracking.ImageBatch;
import dev.vaelab.tracking.ImageGrid;
import dev.vaelab.tracking.RunStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export path end to end on trained runs (a VAE, a CVAE and a convolutional VAE, two epochs
 * on generated IDX files): the files a run leaves are valid and their sizes are in the summary;
 * {@code vaelab sample} and {@code vaelab encode}, from the files alone, reproduce the run's own
 * sample and reconstruction grids pixel for pixel; {@code vaelab export} writes the same bytes again from the
 * checkpoint; the trained files compute what the training graphs do (relative error at most
 * 1e-5); and every kind of bad input is one clear line, not a stack trace.
 */
class ExportCommandsTest {
    private static final int SIDE = 28;
    private static final int PIXELS = SIDE * SIDE;

    @TempDir
    static Path dir;

    private static Injector injector;
    private static Path vaeRun;
    private static Path cvaeRun;
    private static Path convRun;

    @BeforeAll
    static void train() throws Exception {
        Path data = dir.resolve("data");
        injector = SyntheticDigits.injector(data, 5, 1500, 300, true);
        vaeRun = run(data, "vae", "{type: vae, latent_dim: 4, encoder: {type: mlp, hidden: [32]}, decoder: {type: mlp, hidden: [32]}}", "none");
        cvaeRun = run(data, "cvae", "{type: cvae, latent_dim: 3, encoder: {type: mlp, hidden: [32]}, decoder: {type: mlp, hidden: [32]}}", "dynamic");
        // a conv encoder's file takes x as [N, 1, 28, 28]
        convRun = run(data, "conv", "{type: vae, latent_dim: 4, encoder: {type: conv, channels: [8, 16]}, decoder: {type: conv, channels: [8, 16]}}", "static");
    }

    private static Path run(Path data, String name, String model, String binarize) throws IOException {
        Path yaml = dir.resolve(name + ".yaml");
        Files.writeString(yaml, String.join("\n",
                "name: " + name,
                "seed: 3",
                "data: {dataset: mnist, binarize: " + binarize + ", validation: 300}",
                "model: " + model,
                "likelihood: {type: bernoulli}",
                "train: {epochs: 2, batch_size: 50, optimizer: {type: adam, lr: 3.0e-3}}",
                "eval: {iw_samples: 0}",
                "log: {every_steps: 20, grids_every_epochs: 1}",
                "export: {onnx: true}", ""));
        Result r = cli("run", yaml.toString(), "--data-dir", data.toString(), "--results", dir.resolve("results").toString(),
                "--threads", "1");
        assertEquals(0, r.code(), r.err());
        try (Stream<Path> runs = Files.list(dir.resolve("results").resolve(name))) {
            return runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void aRunLeavesValidFilesAndTheirSizesInItsSummary() throws IOException {
        ModelValidator validator = new ModelValidator();
        for (Path run : List.of(vaeRun, cvaeRun, convRun)) {
            Map<String, Double> summary = RunStore.open(run).readSummary();
            for (String part : List.of("encoder", "decoder")) {
                byte[] bytes = Files.readAllBytes(run.resolve("model").resolve(part + ".onnx"));
                assertEquals(List.of(), validator.problems(bytes), run + " " + part);
                assertEquals(bytes.length, summary.get("export/" + part + "_bytes"), part + " size in the summary");
            }
            try (ModelFile encoder = ModelFile.open(run.resolve("model/encoder.onnx"), Role.ENCODER, 1, "--encoder")) {
                assertEquals(run == convRun ? 4 : 2, encoder.inputShape("x").length, "x is [N, C, H, W] for conv only");
            }
        }
    }

    @Test
    void trainedFilesComputeWhatTheTrainingGraphsDo() throws IOException {
        ExperimentResolver resolver = injector.getInstance(ExperimentResolver.class);
        for (Path run : List.of(vaeRun, cvaeRun, convRun)) {
            RunStore store = RunStore.open(run);
            ResolvedExperiment rx = resolver.resolve(ExperimentSpec.parse(ConfigLoader.parse(store.readConfig(), "config")));
            VaeGraphs graphs = new VaeGraphs(rx.model(), rx.head(), PIXELS, 10);
            ModelCard card = ModelCard.describe(graphs, rx.dataset(), rx.data().spec().binarize(), store.readConfig(),
                    store.record().runId(), store.record().runName());
            ExportRequest request = new ExportRequest(graphs,
                    Checkpoint.read(run.resolve("model/checkpoint")).values(), card);
            ExportedModels files = new ExportedModels(Files.readAllBytes(run.resolve("model/encoder.onnx")),
                    Files.readAllBytes(run.resolve("model/decoder.onnx")));
            Images test = IdxFiles.readImages(dir.resolve("data/mnist/t10k-images-idx3-ubyte.gz")).first(100);
            int[] labels = Arrays.copyOf(IdxFiles.readLabels(dir.resolve("data/mnist/t10k-labels-idx1-ubyte.gz")), 100);
            ParityInputs real = new ParityInputs("test", 100, test.pixels(),
                    card.conditional() ? Optional.of(labels) : Optional.empty(), Optional.empty());
            ParityReport report = new ParityCheck().compare(request, files,
                    List.of(ParityCheck.randomInputs(card, 32, 1), real));
            assertEquals("", report.failures(ParityCheck.TOLERANCE), run.toString());
            System.out.println(run.getFileName() + " trained: worst " + report.worst());
        }
    }

    @Test
    void sampleReproducesTheRunsSampleGridFromTheDecoderAlone() throws IOException {
        for (Path run : List.of(vaeRun, cvaeRun, convRun)) {
            Path out = dir.resolve(run.getFileName() + "-samples.png");
            Result r = cli("sample", "--decoder", run.resolve("model/decoder.onnx").toString(), "--n", "64",
                    "--out", out.toString(), "--threads", "1");
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(pixels(run.resolve("grids/samples_e002.png")), pixels(out), run + ": the samples grid");
        }
    }

    @Test
    void encodeThenDecodeReproducesTheRunsReconstructionGrid() throws IOException {
        for (Path run : List.of(vaeRun, cvaeRun, convRun)) {
            Path grid = run.resolve("grids/reconstructions_e002.png");
            Path latents = dir.resolve(run.getFileName() + "-latents.csv");
            List<String> encode = new ArrayList<>(List.of("encode", "--encoder", run.resolve("model/encoder.onnx").toString(),
                    "--input", grid.toString(), "--out", latents.toString(), "--threads", "1"));
            boolean conditional = run == cvaeRun;
            if (conditional) {
                // the grid's inputs are the first validation images; their labels are those of the training file
                Path labels = writeLabelsFile(validationLabels(run));
                encode.addAll(List.of("--labels", labels.toString()));
            }
            Result e = cli(encode.toArray(String[]::new));
            assertEquals(0, e.code(), e.err());
            Path decoded = dir.resolve(run.getFileName() + "-recon.png");
            Result d = cli("sample", "--decoder", run.resolve("model/decoder.onnx").toString(), "--latents",
                    latents.toString(), "--cols", "8", "--out", decoded.toString(), "--threads", "1");
            assertEquals(0, d.code(), d.err());
            Images inputs = GridPngReader.read(grid, 1, SIDE, SIDE, GridPngReader.Layout.PAIRS);
            Images recon = GridPngReader.read(decoded, 1, SIDE, SIDE, GridPngReader.Layout.TILES);
            assertEquals(32, inputs.count());
            assertEquals(LatentsCsv.read(latents, conditional ? 3 : 4).count(), recon.count());
            BufferedImage redrawn = ImageGrid.standard(2).pairs(batch(inputs), batch(recon), 4, 8);
            assertArrayEquals(pixels(grid), pixels(redrawn), run + ": the reconstruction grid");
        }
    }

    @Test
    void encodeOnAnIdxFileWritesTheLabelColumnFromTheLabelsFileBesideIt() throws IOException {
        Path images = dir.resolve("data/mnist/t10k-images-idx3-ubyte.gz");
        int[] expected = dev.vaelab.export.IdxFiles.readLabels(dir.resolve("data/mnist/t10k-labels-idx1-ubyte.gz"));
        for (Path run : List.of(vaeRun, cvaeRun)) {
            Path latents = dir.resolve(run.getFileName() + "-t10k.csv");
            Result r = cli("encode", "--encoder", run.resolve("model/encoder.onnx").toString(), "--input", images.toString(),
                    "--out", latents.toString(), "--threads", "1");
            assertEquals(0, r.code(), r.err());
            List<String> lines = Files.readAllLines(latents);
            assertTrue(lines.get(0).startsWith("label,mu_0,"), lines.get(0));
            assertEquals(expected.length + 1, lines.size());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Integer.toString(expected[i]), lines.get(i + 1).split(",")[0], "row " + i);
            }
        }
        // the labels file itself damaged: the run fails rather than writing wrong labels
        Path copy = Files.createDirectories(dir.resolve("damaged"));
        Files.copy(images, copy.resolve("t10k-images-idx3-ubyte.gz"));
        byte[] labels = Files.readAllBytes(dir.resolve("data/mnist/t10k-labels-idx1-ubyte.gz"));
        labels[labels.length - 8] ^= 0x01; // its CRC-32
        Files.write(copy.resolve("t10k-labels-idx1-ubyte.gz"), labels);
        Result damaged = cli("encode", "--encoder", vaeRun.resolve("model/encoder.onnx").toString(), "--input",
                copy.resolve("t10k-images-idx3-ubyte.gz").toString(), "--out", dir.resolve("damaged.csv").toString());
        assertEquals(1, damaged.code());
        assertTrue(damaged.err().startsWith("error: " + copy.resolve("t10k-labels-idx1-ubyte.gz") + " is a damaged gzip file"),
                damaged.err());
        assertFalse(Files.exists(dir.resolve("damaged.csv")));
    }

    @Test
    void encodeOnAnIdxFileWhoseCrcFailsFailsAndWritesNothing() throws IOException {
        byte[] images = Files.readAllBytes(dir.resolve("data/mnist/t10k-images-idx3-ubyte.gz"));
        images[images.length - 8] ^= 0x01; // the trailer's CRC-32: every image decompresses, the check fails
        Path damaged = dir.resolve("crc-images-idx3-ubyte.gz");
        Files.write(damaged, images);
        Result r = cli("encode", "--encoder", vaeRun.resolve("model/encoder.onnx").toString(), "--input", damaged.toString(),
                "--out", dir.resolve("crc.csv").toString());
        assertEquals(1, r.code());
        assertEquals("error: " + damaged + " is a damaged gzip file (Corrupt GZIP trailer: its data does not match its CRC "
                + "or length, or it is cut short); get the file again", r.err().strip());
        assertFalse(Files.exists(dir.resolve("crc.csv")));
    }

    @Test
    void exportWritesTheSameFilesAgainFromTheCheckpoint() throws IOException {
        Path copy = copyRun(vaeRun, "reexport");
        byte[] encoder = Files.readAllBytes(copy.resolve("model/encoder.onnx"));
        byte[] decoder = Files.readAllBytes(copy.resolve("model/decoder.onnx"));
        Files.delete(copy.resolve("model/encoder.onnx"));
        Files.delete(copy.resolve("model/decoder.onnx"));
        Result r = cli("export", copy.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(encoder, Files.readAllBytes(copy.resolve("model/encoder.onnx")));
        assertArrayEquals(decoder, Files.readAllBytes(copy.resolve("model/decoder.onnx")));
        assertEquals(encoder.length, RunStore.open(copy).readSummary().get("export/encoder_bytes"));
    }

    @Test
    void sampleWithALabelAndASeedIsDeterministic() throws IOException {
        Path decoder = cvaeRun.resolve("model/decoder.onnx");
        Path threes = dir.resolve("threes.png");
        Path again = dir.resolve("threes-again.png");
        Path other = dir.resolve("threes-other-seed.png");
        assertEquals(0, cli("sample", "--decoder", decoder.toString(), "--n", "16", "--label", "3", "--seed", "9",
                "--out", threes.toString()).code());
        assertEquals(0, cli("sample", "--decoder", decoder.toString(), "--n", "16", "--label", "3", "--seed", "9",
                "--out", again.toString()).code());
        assertEquals(0, cli("sample", "--decoder", decoder.toString(), "--n", "16", "--label", "3", "--seed", "10",
                "--out", other.toString()).code());
        assertArrayEquals(pixels(threes), pixels(again));
        assertFalse(java.util.Arrays.equals(pixels(threes), pixels(other)), "another seed, other samples");
    }

    @Test
    void badInputIsOneClearLine() throws IOException {
        String encoder = vaeRun.resolve("model/encoder.onnx").toString();
        String decoder = vaeRun.resolve("model/decoder.onnx").toString();
        String cvaeDecoder = cvaeRun.resolve("model/decoder.onnx").toString();
        String out = dir.resolve("never.png").toString();

        Path failed = copyRun(vaeRun, "failed");
        Files.writeString(failed.resolve("run.json"), Files.readString(failed.resolve("run.json"))
                .replace("\"finished\"", "\"failed\"").replace("\"error\" : null", "\"error\" : \"training diverged\""));
        fails(List.of("run " + failed, "failed"), "export", failed.toString());
        Path noCheckpoint = copyRun(vaeRun, "no-checkpoint");
        Files.delete(noCheckpoint.resolve("model/checkpoint"));
        fails(List.of("has no checkpoint"), "export", noCheckpoint.toString());
        fails(List.of("is not a run directory"), "export", dir.toString());

        fails(List.of("is a vaelab encoder; --decoder takes a decoder"), "sample", "--decoder", encoder, "--out", out);
        // sizes are checked before the codes, means and grid are allocated
        fails(List.of("--n 100000000 samples in 10000 columns make a grid of ", "more than the 16777216 a PNG grid may have",
                "--out FILE.npy"), "sample", "--decoder",
                vaeRun.resolve("model/decoder.onnx").toString(), "--n", "100000000", "--out", out);
        fails(List.of("--batch-size 2000000000 codes at a time need about ", " of memory, more than the ", "(--batch-size)"), "sample",
                "--decoder", decoder, "--n", "2000000000", "--batch-size", "2000000000", "--out", dir.resolve("never.npy").toString());
        fails(List.of("no such file"), "sample", "--decoder", dir.resolve("missing.onnx").toString(), "--out", out);
        // an IDX file is read whole: a header declaring 100 million images is refused before the read
        Path huge = dir.resolve("huge-images-idx3-ubyte");
        try (DataOutputStream header = new DataOutputStream(Files.newOutputStream(huge))) {
            header.writeInt(0x00000803);
            header.writeInt(100_000_000);
            header.writeInt(SIDE);
            header.writeInt(SIDE);
        }
        fails(List.of("100000000 images of " + huge + " need about ", "ask for at most ", "(split the file)"),
                "encode", "--encoder", encoder, "--input", huge.toString(), "--out", dir.resolve("huge.csv").toString());
        Path notOnnx = dir.resolve("notes.onnx");
        Files.writeString(notOnnx, "these are notes, not a model");
        fails(List.of("is not an ONNX model that ONNX Runtime can load"), "sample", "--decoder", notOnnx.toString(), "--out", out);
        Path foreign = dir.resolve("foreign.onnx");
        Files.write(foreign, OnnxModelWriter.toBytes(sumGraph(), OnnxModelWriter.Options.named("foreign")));
        fails(List.of("not one exported by vaelab"), "sample", "--decoder", foreign.toString(), "--out", out);

        fails(List.of("--label 12 is not a class of this model; it has 10 classes"),
                "sample", "--decoder", cvaeDecoder, "--label", "12", "--out", out);
        fails(List.of("--label does not apply", "not conditional"), "sample", "--decoder", decoder, "--label", "3", "--out", out);
        fails(List.of("--n must be at least 1"), "sample", "--decoder", decoder, "--n", "0", "--out", out);

        Path wrongSize = dir.resolve("32x32-images-idx3-ubyte.gz");
        writeIdxImages(wrongSize, 2, 32, 32);
        fails(List.of("the images are 1x32x32", "the encoder takes 1x28x28"),
                "encode", "--encoder", encoder, "--input", wrongSize.toString(), "--out", dir.resolve("x.csv").toString());
        fails(List.of("the model is conditional", "--label"), "encode", "--encoder",
                cvaeRun.resolve("model/encoder.onnx").toString(), "--input", cvaeRun.resolve("grids/samples_e002.png").toString(),
                "--out", dir.resolve("x.csv").toString());
        fails(List.of("neither an IDX images file", "nor a PNG"),
                "encode", "--encoder", encoder, "--input", notOnnx.toString(), "--out", dir.resolve("x.csv").toString());
        Path shortCodes = dir.resolve("short.csv");
        Files.writeString(shortCodes, "mu_0,mu_1\n0.5,0.25\n");
        fails(List.of("has no column mu_2", "4 dimensions"),
                "sample", "--decoder", decoder, "--latents", shortCodes.toString(), "--out", out);
    }

    /** Runs the command line; the error output must never hold a stack trace. */
    private static Result cli(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(injector, new PrintWriter(err, true), args);
        assertFalse(err.toString().contains("\tat "), "a stack trace: " + err);
        return new Result(code, err.toString());
    }

    private record Result(int code, String err) {
    }

    private static void fails(List<String> expected, String... args) {
        Result r = cli(args);
        assertEquals(1, r.code(), String.join(" ", args) + " -> " + r.err());
        String line = r.err().strip();
        assertTrue(line.startsWith("error: "), line);
        for (String part : expected) {
            assertTrue(line.contains(part), "expected '" + part + "' in: " + line);
        }
    }

    private static Path copyRun(Path run, String suffix) throws IOException {
        Path copy = run.resolveSibling(run.getFileName() + "-" + suffix);
        try (Stream<Path> all = Files.walk(run)) {
            for (Path p : all.toList()) {
                Path target = copy.resolve(run.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    /** The labels of the validation images: the last 300 of the training file, in order. */
    private static int[] validationLabels(Path run) throws IOException {
        int[] all = IdxFiles.readLabels(dir.resolve("data/mnist/train-labels-idx1-ubyte.gz"));
        return java.util.Arrays.copyOfRange(all, all.length - 300, all.length);
    }

    private static Path writeLabelsFile(int[] labels) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(0x00000801);
            out.writeInt(labels.length);
            for (int l : labels) {
                out.writeByte(l);
            }
        }
        Path file = dir.resolve("validation-labels-idx1-ubyte");
        Files.write(file, raw.toByteArray());
        return file;
    }

    private static void writeIdxImages(Path file, int count, int rows, int cols) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(new byte[count * rows * cols]);
        }
        Files.write(file, raw.toByteArray());
    }

    private static dev.vaelab.onnx.graph.Graph sumGraph() {
        var g = new dev.vaelab.onnx.graph.Graph(dev.vaelab.onnx.graph.DType.FLOAT);
        var z = g.input("z", dev.vaelab.onnx.graph.DType.FLOAT,
                dev.vaelab.onnx.graph.Shape.of(dev.vaelab.onnx.graph.Shape.BATCH, 4));
        g.output("mean", g.add(z, z));
        return g;
    }

    private static ImageBatch batch(Images images) {
        return new ImageBatch(images.pixels(), images.count(), images.channels(), images.height(), images.width());
    }

    private static int[] pixels(Path png) throws IOException {
        return pixels(ImageIO.read(png.toFile()));
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

}
