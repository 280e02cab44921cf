package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.export.DecoderFile;
import dev.vaelab.export.EncoderFile;
import dev.vaelab.export.ExportRequest;
import dev.vaelab.export.Images;
import dev.vaelab.export.LatentsCsv;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.ModelValidator;
import dev.vaelab.export.OnnxExporter;
import dev.vaelab.export.SampleGrids;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.tracking.ImageGrid;
import dev.vaelab.zoo.ZooModule;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.model.ModelFactory;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.network.ImageDims;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab sample} and {@code vaelab encode} on an RGB 3x32x32 conv VAE (exported from its
 * initial parameters; no training needed to check the plumbing): {@code sample} writes an RGB grid
 * of the decoder's means, {@code encode} of an RGB PNG gives the codes of the pixels it holds, and
 * a picture of the wrong size or colour is one line that says what the model takes.
 */
class ColourCommandsTest {
    private static final ImageDims RGB = new ImageDims(3, 32, 32);
    private static final ImageDims GREY = new ImageDims(1, 32, 32);

    @TempDir
    Path dir;

    private final Injector injector = Bootstrap.injector();

    @Test
    void sampleDrawsInColourAndEncodeReadsAnRgbPng() throws IOException {
        Path model = export(RGB, "rgb");
        Path samples = dir.resolve("samples.png");
        assertEquals(0, cli("sample", "--decoder", model.resolve("decoder.onnx").toString(), "--n", "4",
                "--out", samples.toString()).code());
        BufferedImage grid = ImageIO.read(samples.toFile());
        assertEquals(3, grid.getRaster().getNumBands(), "an RGB grid");
        assertEquals(2 + 2 * (2 * 32 + 2), grid.getWidth());
        // the grid's pixels are the decoder's means for the run's prior draws, red, green and blue
        try (DecoderFile decoder = DecoderFile.open(model.resolve("decoder.onnx"), 1)) {
            float[] z = SampleGrids.priorDraws(decoder.card().seed(), 4, decoder.card().latentDim());
            float[] mean = decoder.mean(z, 4, Optional.empty(), "--label");
            int tile = 3 * 32 * 32;
            for (int i = 0; i < 4; i++) {
                int left = 2 + (i % 2) * 66;
                int top = 2 + (i / 2) * 66;
                for (int c = 0; c < 3; c++) {
                    int y = 5;
                    int x = 7;
                    int rgb = grid.getRGB(left + 2 * x, top + 2 * y);
                    int level = rgb >> (16 - 8 * c) & 0xff;
                    assertEquals(ImageGrid.level(mean[i * tile + (c * 32 + y) * 32 + x]), level,
                            "sample " + i + " channel " + c);
                }
            }
        }

        // one RGB picture of the model's size, encoded from the PNG and from its pixels
        Random random = new Random(3);
        BufferedImage picture = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        float[] pixels = new float[3 * 32 * 32];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int r = random.nextInt(256);
                int g = random.nextInt(256);
                int b = random.nextInt(256);
                picture.setRGB(x, y, r << 16 | g << 8 | b);
                pixels[y * 32 + x] = r / 255f;
                pixels[1024 + y * 32 + x] = g / 255f;
                pixels[2048 + y * 32 + x] = b / 255f;
            }
        }
        Path png = dir.resolve("picture.png");
        ImageIO.write(picture, "png", png.toFile());
        Path csv = dir.resolve("codes.csv");
        assertEquals(0, cli("encode", "--encoder", model.resolve("encoder.onnx").toString(), "--input", png.toString(),
                "--out", csv.toString()).code());
        try (EncoderFile encoder = EncoderFile.open(model.resolve("encoder.onnx"), 1)) {
            float[] direct = encoder.encode(new Images(pixels, 1, 3, 32, 32), Optional.empty(), "--label").mu();
            assertArrayEquals(direct, LatentsCsv.read(csv, encoder.card().latentDim()).z());
        }

        // the wrong size, and a colour picture for a grey model: one line saying what the model takes
        BufferedImage small = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Path smallPng = dir.resolve("small.png");
        ImageIO.write(small, "png", smallPng.toFile());
        fails("the model takes 3x32x32 images", "encode", "--encoder", model.resolve("encoder.onnx").toString(),
                "--input", smallPng.toString(), "--out", csv.toString());
        Path grey = export(GREY, "grey");
        fails("is in colour; the model takes 1x32x32 images", "encode", "--encoder",
                grey.resolve("encoder.onnx").toString(), "--input", png.toString(), "--out", csv.toString());
    }

    /** A conv VAE at {@code image}, exported from its initial parameters into {@code dir/name}. */
    private Path export(ImageDims image, String name) throws IOException {
        Injector zoo = Guice.createInjector(new ZooModule(), new HeadsModule());
        LikelihoodHead head = zoo.getInstance(Key.get(new TypeLiteral<Map<String, HeadFactory>>() { }))
                .get("bernoulli").create(spec("{type: bernoulli}"));
        String network = "{type: conv, channels: [8, 16], hidden: [32]}";
        VaeModel model = zoo.getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory>>() { })).get("vae")
                .create(spec("{type: vae, latent_dim: 3, encoder: " + network + ", decoder: " + network + "}"),
                        new ModelContext(image, 0, head.outputsPerPixel()));
        VaeGraphs graphs = new VaeGraphs(model, head, image.size(), 0);
        ModelCard card = new ModelCard("test", "test-run-id", name, "vae", false, 3,
                List.of(image.channels(), image.height(), image.width()), "none", "bernoulli", List.of(),
                "name: " + name + "\nseed: 2\n");
        Path out = Files.createDirectories(dir.resolve(name));
        new OnnxExporter(new ModelValidator()).write(new ExportRequest(graphs,
                ExportFixtures.initialParameters(graphs, image.size(), 0, 9), card), out);
        return out;
    }

    private Result cli(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(injector, new PrintWriter(err, true), args);
        assertFalse(err.toString().contains("\tat "), "a stack trace: " + err);
        return new Result(code, err.toString());
    }

    private record Result(int code, String err) {
    }

    private void fails(String expected, String... args) {
        Result r = cli(args);
        assertEquals(1, r.code(), String.join(" ", args) + " -> " + r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("error: ") && line.contains(expected), "expected '" + expected + "' in: " + line);
    }

    private static ComponentSpec spec(String yaml) {
        return ComponentSpec.from(ConfigLoader.parse(yaml, "<test>"));
    }
}
