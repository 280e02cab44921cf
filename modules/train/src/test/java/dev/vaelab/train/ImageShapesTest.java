package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.data.ImageSet;
import dev.vaelab.data.ImageShape;
import dev.vaelab.export.EncoderFile;
import dev.vaelab.export.ExportRequest;
import dev.vaelab.export.ExportedModels;
import dev.vaelab.export.GridPngReader;
import dev.vaelab.export.ImageInputs;
import dev.vaelab.export.Images;
import dev.vaelab.export.Latents;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.ModelValidator;
import dev.vaelab.export.OnnxExporter;
import dev.vaelab.export.ParityCheck;
import dev.vaelab.export.ParityInputs;
import dev.vaelab.export.ParityReport;
import dev.vaelab.export.Role;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.Adam;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import dev.vaelab.onnx.runtime.TrainingSession;
import dev.vaelab.tracking.ImageBatch;
import dev.vaelab.tracking.ImageGrid;
import dev.vaelab.tracking.Png;
import dev.vaelab.zoo.ZooModule;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.model.ModelFactory;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.network.ImageDims;
import dev.vaelab.zoo.objective.BetaVaeObjective;
import dev.vaelab.zoo.objective.VaeGraphs;
import dev.vaelab.zoo.schedule.ConstantSchedule;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run's parts on images other than MNIST's 1x28x28, on synthetic in-memory sets of RGB 3x32x32,
 * grey 1x64x64 and RGB 3x64x64 with MLP and conv networks (the Burgess preset at 64x64) under
 * several heads: training steps lower the loss, the evaluation's terms add up, the grids are
 * drawn at the image's size in colour (or grey) with the dataset's own pixels in the reconstruction
 * rows, traversal rows follow the order the caller gives, and the exported files say their shape,
 * compute what the training graphs compute and encode a PNG of the images exactly as the pixels.
 */
class ImageShapesTest {
    private static final int COUNT = 16;
    private static final int BATCH = 8;
    private static final int LATENT = 4;
    private static final List<String> CLASSES = List.of("a", "b", "c", "d");

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new ImageShape(3, 32, 32), "vae", "{type: mlp, hidden: [32]}",
                        "{type: gaussian, scale: learned_per_pixel}"),
                Arguments.of(new ImageShape(3, 32, 32), "cvae", "{type: conv, channels: [8, 16], hidden: [32]}",
                        "{type: continuous-bernoulli}"),
                Arguments.of(new ImageShape(1, 64, 64), "beta-vae", "{type: mlp, hidden: [32]}", "{type: bernoulli}"),
                Arguments.of(new ImageShape(1, 64, 64), "vae", "{type: conv, preset: burgess}", "{type: bernoulli}"),
                Arguments.of(new ImageShape(3, 64, 64), "vae", "{type: conv, preset: burgess}",
                        "{type: laplace, scale: learned}"));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void trainsEvaluatesDrawsAndExportsAtThisShape(ImageShape shape, String modelType, String network, String headYaml)
            throws Exception {
        ImageSet images = images(shape, modelType.equals("cvae"));
        int classes = images.numClasses();
        LikelihoodHead head = HEADS.get(type(headYaml)).create(spec(headYaml));
        ImageDims dims = new ImageDims(shape.channels(), shape.height(), shape.width());
        VaeModel model = MODELS.get(modelType).create(spec("{type: " + modelType + ", latent_dim: " + LATENT
                + ", encoder: " + network + ", decoder: " + network + "}"), new ModelContext(dims, classes,
                head.outputsPerPixel()));
        VaeGraphs graphs = new VaeGraphs(model, head, shape.size(), classes);
        OrtEngine engine = new OrtEngine(2, true);
        RandomStreams streams = new RandomStreams(5);

        try (TrainingSession session = new TrainingSession(engine,
                TrainingProgramBuilder.build(graphs.trainingStep(BATCH,
                        new BetaVaeObjective(new ConstantSchedule(1.0), BATCH, LATENT)), Adam.pytorchDefaults()), 1);
             Evaluator evaluator = new Evaluator(engine, graphs, shape.size(), classes, streams);
             GridRenderer grids = new GridRenderer(engine, graphs, shape, classes, streams)) {
            session.initialize(new SplittableRandom(7));
            if (headYaml.contains("learned_per_pixel")) {
                // one scale per value of a flattened image: per channel and pixel
                assertEquals(shape.size(), session.snapshot().get("likelihood/log_scale").length);
            }

            // the same batch, eps = 0: the loss must fall as Adam fits it
            float[] losses = new float[25];
            for (int step = 0; step < losses.length; step++) {
                ByteBuffer x = session.byteChunk("x");
                for (int i = 0; i < BATCH * shape.size(); i++) {
                    x.put((byte) images.pixel(i / shape.size(), i % shape.size()));
                }
                if (model.conditional()) {
                    FloatBuffer y = session.chunk("y");
                    for (int i = 0; i < BATCH; i++) {
                        for (int k = 0; k < classes; k++) {
                            y.put(images.label(i) == k ? 1f : 0f);
                        }
                    }
                }
                session.chunk("eps").put(new float[BATCH * LATENT]);
                session.chunk("beta").put(1f);
                losses[step] = session.run(1, new float[] {3e-3f}).get("loss")[0];
                assertTrue(Float.isFinite(losses[step]), "step " + step + " loss " + losses[step]);
            }
            float first = losses[0];
            float last = losses[losses.length - 1];
            assertTrue(last < first - 0.01 * Math.abs(first), "the loss went from " + first + " to " + last);

            Evaluator.Scores scores = evaluator.evaluate(images, BATCH, session.parameters(), "eval-noise");
            assertEquals(COUNT, scores.examples());
            assertTrue(Double.isFinite(scores.elbo()), "ELBO " + scores.elbo());
            assertEquals(scores.reconLl() - scores.kl(), scores.elbo(), 1e-9 * Math.abs(scores.elbo()));
            assertEquals(scores.kl(), Arrays.stream(scores.klPerDim()).sum(), 1e-6 * Math.max(1, scores.kl()));

            checkGrids(grids.render(session.parameters(), images, scores.klPerDim()), shape, images, classes);
            checkTraversalOrder(grids, session, images, shape);
            checkExport(graphs, session.snapshot(), shape, images, modelType, headYaml);
        }
    }

    @Test
    void categoricalLogitsCoverEveryChannelOfEveryPixel() throws Exception {
        ImageShape shape = new ImageShape(3, 32, 32);
        LikelihoodHead head = HEADS.get("categorical").create(spec("{type: categorical}"));
        assertEquals(256, head.outputsPerPixel()); // per value of a flattened image, whatever C is
        String network = "{type: conv, channels: [4], hidden: [8]}";
        VaeModel model = MODELS.get("vae").create(spec("{type: vae, latent_dim: " + LATENT + ", encoder: " + network
                + ", decoder: " + network + "}"), new ModelContext(new ImageDims(3, 32, 32), 0, head.outputsPerPixel()));
        VaeGraphs graphs = new VaeGraphs(model, head, shape.size(), 0);
        ModelCard card = new ModelCard("test", "id", "categorical", "vae", false, LATENT, List.of(3, 32, 32), "none",
                "categorical", List.of(), "seed: 0\n");
        byte[] decoder = new OnnxExporter(new ModelValidator()).build(new ExportRequest(graphs,
                initialParameters(graphs, shape.size()), card), Role.DECODER);
        Map<String, List<Long>> outputs = ModelProto.parseFrom(decoder).getGraph().getOutputList().stream()
                .collect(Collectors.toMap(v -> v.getName(), v -> v.getType().getTensorType().getShape().getDimList()
                        .stream().skip(1).map(d -> d.getDimValue()).toList()));
        assertEquals(List.of(3072L), outputs.get("mean"));
        assertEquals(List.of(256L, 3072L), outputs.get("logits"));
    }

    /** Every grid is PNG at the image's size, RGB for three channels and grey for one. */
    private void checkGrids(Map<String, byte[]> grids, ImageShape shape, ImageSet images, int classes) throws IOException {
        assertEquals(classes > 0 ? List.of("samples", "reconstructions", "traversals", "classes", "analogies")
                : List.of("samples", "reconstructions", "traversals"), List.copyOf(grids.keySet()));
        for (var grid : grids.entrySet()) {
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(grid.getValue()));
            assertEquals(shape.channels(), png.getRaster().getNumBands(), grid.getKey() + ": bands");
            // 2 pixels of padding around tiles drawn at 2x
            assertEquals(0, (png.getWidth() - 2) % (2 * shape.width() + 2), grid.getKey() + " width " + png.getWidth());
        }
        BufferedImage samples = ImageIO.read(new ByteArrayInputStream(grids.get("samples")));
        assertEquals(2 + 8 * (2 * shape.width() + 2), samples.getWidth());
        assertEquals(2 + 8 * (2 * shape.height() + 2), samples.getHeight());
        // the reconstruction grid's input rows are the dataset's own pixels, channel for channel
        Path recon = dir.resolve("reconstructions.png");
        Files.write(recon, grids.get("reconstructions"));
        Images inputs = GridPngReader.read(recon, shape.channels(), shape.height(), shape.width(),
                GridPngReader.Layout.PAIRS);
        assertArrayEquals(pixels(images, inputs.count()), inputs.pixels());
    }

    /** Rows follow the caller's order: swapping two dimensions swaps the two rows of the grid. */
    private void checkTraversalOrder(GridRenderer grids, TrainingSession session, ImageSet images, ImageShape shape)
            throws IOException {
        Images forward = tiles(grids.traversals(session.parameters(), images, new int[] {3, 0}), shape, "forward.png");
        Images backward = tiles(grids.traversals(session.parameters(), images, new int[] {0, 3}), shape, "backward.png");
        int row = 11 * shape.size();
        assertEquals(2 * row, forward.pixels().length);
        assertArrayEquals(Arrays.copyOfRange(forward.pixels(), 0, row), Arrays.copyOfRange(backward.pixels(), row, 2 * row));
        assertArrayEquals(Arrays.copyOfRange(forward.pixels(), row, 2 * row), Arrays.copyOfRange(backward.pixels(), 0, row));
        assertTrue(!Arrays.equals(Arrays.copyOfRange(forward.pixels(), 0, row), Arrays.copyOfRange(forward.pixels(), row,
                2 * row)), "dimensions 3 and 0 draw the same row");
        assertArrayEquals(new int[] {0, 1, 2, 3}, GridRenderer.klOrder(null, LATENT));
        assertArrayEquals(new int[] {2, 0, 3, 1}, GridRenderer.klOrder(new double[] {0.5, 0.1, 2.0, 0.5}, LATENT));
        assertThrows(IllegalArgumentException.class, () -> grids.traversals(session.parameters(), images, new int[] {4}));
    }

    private Images tiles(byte[] png, ImageShape shape, String name) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, png);
        return GridPngReader.read(file, shape.channels(), shape.height(), shape.width(), GridPngReader.Layout.TILES);
    }

    /**
     * The exported files carry the shape in their metadata, compute what the graphs compute, and
     * encode the images read back from a PNG grid exactly as the pixels given directly.
     */
    private void checkExport(VaeGraphs graphs, Map<String, float[]> parameters, ImageShape shape, ImageSet images,
                             String modelType, String headYaml) throws IOException {
        boolean conditional = graphs.model().conditional();
        ModelCard card = new ModelCard("test", "test-run-id", "shapes", modelType, conditional, LATENT,
                List.of(shape.channels(), shape.height(), shape.width()), "none", graphs.head().type(),
                conditional ? CLASSES : List.of(), "name: shapes\nseed: 5\n");
        ExportRequest request = new ExportRequest(graphs, parameters, card);
        ModelValidator validator = new ModelValidator();
        ExportedModels files = new OnnxExporter(validator).build(request);
        for (Role role : Role.values()) {
            assertEquals(List.of(), validator.problems(files.of(role)), role + " " + headYaml);
            Map<String, String> metadata = ModelProto.parseFrom(files.of(role)).getMetadataPropsList().stream()
                    .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
            assertEquals("[" + shape.channels() + "," + shape.height() + "," + shape.width() + "]",
                    metadata.get(ModelCard.KEY_IMAGE_SHAPE));
            assertEquals(Integer.toString(shape.channels()), metadata.get(ModelCard.KEY_CHANNELS));
            assertEquals(shape.channels() == 3 ? "RGB" : "grey", metadata.get(ModelCard.KEY_COLOR_ORDER));
            assertEquals("CHW", metadata.get(ModelCard.KEY_INPUT_LAYOUT));
            assertEquals(card, ModelCard.fromProperties(metadata, role.fileName()));
        }
        int[] labels = IntStream.range(0, COUNT).map(i -> conditional ? images.label(i) : 0).toArray();
        ParityReport report = new ParityCheck().compare(request, files, List.of(ParityCheck.randomInputs(card, 4, 3),
                new ParityInputs("synthetic", COUNT, pixels(images, COUNT),
                        conditional ? Optional.of(labels) : Optional.empty(), Optional.empty())));
        assertEquals("", report.failures(ParityCheck.TOLERANCE), "outputs beyond the tolerance");

        Path encoderFile = dir.resolve("encoder.onnx");
        Files.write(encoderFile, files.encoder());
        Path png = dir.resolve("inputs.png");
        Png.write(ImageGrid.standard(2).tiles(new ImageBatch(pixels(images, COUNT), COUNT, shape.channels(),
                shape.height(), shape.width()), 4, 4), png);
        try (EncoderFile encoder = EncoderFile.open(encoderFile, 1)) {
            Images read = ImageInputs.read(png, encoder.card(), GridPngReader.Layout.AUTO);
            Images direct = new Images(pixels(images, COUNT), COUNT, shape.channels(), shape.height(), shape.width());
            assertArrayEquals(direct.pixels(), read.pixels());
            Optional<int[]> y = conditional ? Optional.of(labels) : Optional.empty();
            Latents fromPng = encoder.encode(read, y, "--labels");
            Latents fromPixels = encoder.encode(direct, y, "--labels");
            assertArrayEquals(fromPixels.mu(), fromPng.mu());
            assertArrayEquals(fromPixels.logvar(), fromPng.logvar());
            // the wrong size is one line that says what the model takes
            Images wrong = new Images(new float[shape.channels() * 8 * 8], 1, shape.channels(), 8, 8);
            VaelabException e = assertThrows(VaelabException.class, () -> encoder.encode(wrong, y.map(l -> new int[] {0}),
                    "--labels"));
            assertTrue(e.getMessage().contains("the encoder takes " + shape.channels() + "x" + shape.height() + "x"
                    + shape.width()), e.getMessage());
        }
    }

    /** Every parameter the graphs use, drawn by its own initializer. */
    private static Map<String, float[]> initialParameters(VaeGraphs graphs, int imageSize) {
        Graph g = new Graph(DType.FLOAT);
        GraphInputParameters params = new GraphInputParameters(g, "");
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, imageSize));
        Tensor eps = g.input("eps", DType.FLOAT, Shape.of(Shape.BATCH, graphs.model().latentDim()));
        VaeGraphs.Terms terms = graphs.terms(g, params, x, Optional.empty(), eps);
        graphs.head().outputs(g, params, graphs.model().decode(g, params, terms.posterior().mu(), Optional.empty()));
        SplittableRandom random = new SplittableRandom(1);
        Map<String, float[]> values = new java.util.LinkedHashMap<>();
        params.specs().forEach(p -> values.put(p.name(), p.init().values(p.shape(), random.split())));
        return values;
    }

    /** {@code count} images pixel/255, flattened CHW, as a model reads them. */
    private static float[] pixels(ImageSet images, int count) {
        int size = images.imageSize();
        float[] out = new float[count * size];
        for (int i = 0; i < out.length; i++) {
            out[i] = images.pixel(i / size, i % size) / 255f;
        }
        return out;
    }

    /**
     * Four random colour templates (each channel its own levels), every image one of them with a
     * tenth of its values redrawn; the template is the label.
     */
    private static ImageSet images(ImageShape shape, boolean labelled) {
        SplittableRandom random = new SplittableRandom(shape.size());
        byte[][] templates = new byte[CLASSES.size()][shape.size()];
        for (byte[] t : templates) {
            for (int i = 0; i < t.length; i++) {
                t[i] = (byte) random.nextInt(256);
            }
        }
        byte[] pixels = new byte[COUNT * shape.size()];
        int[] labels = new int[COUNT];
        for (int n = 0; n < COUNT; n++) {
            labels[n] = n % CLASSES.size();
            for (int i = 0; i < shape.size(); i++) {
                pixels[n * shape.size() + i] = random.nextInt(10) == 0 ? (byte) random.nextInt(256) : templates[labels[n]][i];
            }
        }
        return labelled ? ImageSet.of(shape, pixels, Optional.of(labels), CLASSES)
                : ImageSet.of(shape, pixels, Optional.empty(), List.of());
    }

    private static final Injector INJECTOR = Guice.createInjector(new ZooModule(), new HeadsModule());
    private static final Map<String, ModelFactory> MODELS =
            INJECTOR.getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory>>() { }));
    private static final Map<String, HeadFactory> HEADS =
            INJECTOR.getInstance(Key.get(new TypeLiteral<Map<String, HeadFactory>>() { }));

    private static String type(String yaml) {
        return yaml.replaceAll(".*type: ([a-z-]+).*", "$1");
    }

    private static ComponentSpec spec(String yaml) {
        return ComponentSpec.from(ConfigLoader.parse(yaml, "<test>"));
    }
}
