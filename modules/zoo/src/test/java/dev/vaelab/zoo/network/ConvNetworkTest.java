package dev.vaelab.zoo.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.heads.BernoulliHead;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.ParameterSpec;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.zoo.model.GaussianVae;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The {@code conv} network: encoder and decoder graphs built through {@link VaeGraphs} run in ONNX
 * Runtime with the batch sizes 1 and 3 and give the contract's shapes; parameters have the mirrored
 * shapes and PyTorch's initialisation bounds; bad geometry fails at the YAML key.
 */
class ConvNetworkTest {
    private static final int LATENT = 5;
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private static Network network(String yaml, NetworkRole role, ImageDims image) {
        ComponentSpec spec = ComponentSpec.read(ConfigLoader.parse("encoder: " + yaml, "test.yaml"), "encoder");
        return new ConvNetwork.Factory().create(spec, role, image);
    }

    private static VaeGraphs graphs(String yaml, ImageDims image) {
        GaussianVae model = new GaussianVae(GaussianVae.VAE, LATENT, network(yaml, NetworkRole.ENCODER, image),
                network(yaml, NetworkRole.DECODER, image), new ModelContext(image, 0, 1));
        return new VaeGraphs(model, new BernoulliHead(), image.size(), 0);
    }

    @Test
    void mnistSizedEncoderAndDecoderRunWithAnyBatchSize() throws OrtException {
        ImageDims mnist = new ImageDims(1, 28, 28);
        checkShapes(graphs("{type: conv, channels: [8, 16], kernel: 4, stride: 2}", mnist), mnist);
        // kernel 3, stride 2, padding 1: 28 -> 14 -> 7 leaves a row each time; the decoder restores it
        checkShapes(graphs("{type: conv, channels: [4, 8], kernel: 3, stride: 2, padding: 1, hidden: [32]}", mnist), mnist);
        // three halvings: 28 -> 14 -> 7 -> 3
        checkShapes(graphs("{type: conv, channels: [4, 4, 8], activation: elu}", mnist), mnist);
    }

    @Test
    void sixtyFourSquaredEncoderAndDecoderRunWithAnyBatchSize() throws OrtException {
        ImageDims celeb = new ImageDims(3, 64, 64);
        checkShapes(graphs("{type: conv, channels: [8, 8, 16, 16], kernel: 4, stride: 2, hidden: [64]}", celeb), celeb);
        ImageDims gray = new ImageDims(1, 64, 64);
        checkShapes(graphs("{type: conv, channels: [4, 8], kernel: 4, stride: 2, activation: leaky_relu}", gray), gray);
    }

    private static void checkShapes(VaeGraphs graphs, ImageDims image) throws OrtException {
        for (int batch : new int[] {1, 3}) {
            Map<String, float[]> enc = run(graphs.encoderGraph(), "x", batch);
            assertEquals(batch * LATENT, enc.get("mu").length);
            assertEquals(batch * LATENT, enc.get("logvar").length);
            Map<String, float[]> dec = run(graphs.decoderGraph(), "z", batch);
            assertEquals(batch * image.size(), dec.get("mean").length);
            assertEquals(batch * image.size(), dec.get("logits").length);
            for (float p : dec.get("mean")) {
                assertTrue(p > 0 && p < 1, "a Bernoulli mean outside (0, 1): " + p);
            }
        }
    }

    @Test
    void theDecoderEmitsKBlocksOfAFlattenedImage() throws OrtException {
        // two values per pixel of a 3-channel image: the last ConvTranspose has k·C = 6 channels
        ImageDims image = new ImageDims(3, 8, 8);
        Network decoder = network("{type: conv, channels: [4]}", NetworkRole.DECODER, image);
        Graph g = new Graph(DType.FLOAT);
        Tensor z = g.input("z", DType.FLOAT, Shape.of(Shape.BATCH, LATENT));
        GraphInputParameters params = new GraphInputParameters(g, "");
        Tensor out = decoder.apply(g, params, "decoder", z, Optional.empty(), 2 * image.size());
        assertEquals(Shape.of(Shape.BATCH, 2 * image.size()), out.shape());
        Map<String, long[]> shapes = shapes(params);
        assertArrayEquals(new long[] {4, 6, 4, 4}, shapes.get("decoder/deconv0/weight"));
        g.output("out", out);
        assertEquals(3 * 2 * image.size(), run(g, "z", 3).get("out").length);
        Graph other = new Graph(DType.FLOAT);
        Tensor z2 = other.input("z", DType.FLOAT, Shape.of(Shape.BATCH, LATENT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> decoder.apply(other,
                new GraphInputParameters(other, ""), "decoder", z2, Optional.empty(), image.size() + 1));
        assertTrue(e.getMessage().contains("multiple of 192"), e.getMessage());
    }

    @Test
    void parametersMirrorTheEncoderAndFollowPyTorchInitialisation() {
        ImageDims mnist = new ImageDims(1, 28, 28);
        String yaml = "{type: conv, channels: [32, 64], kernel: 4, stride: 2, hidden: [256]}";
        Graph g = new Graph(DType.FLOAT);
        GraphInputParameters params = new GraphInputParameters(g, "");
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 784));
        Tensor y = g.input("y", DType.FLOAT, Shape.of(Shape.BATCH, 10));
        Tensor z = g.input("z", DType.FLOAT, Shape.of(Shape.BATCH, LATENT));
        Tensor enc = network(yaml, NetworkRole.ENCODER, mnist).apply(g, params, "encoder", x, Optional.of(y), 2 * LATENT);
        Tensor dec = network(yaml, NetworkRole.DECODER, mnist).apply(g, params, "decoder", z, Optional.of(y), 784);
        assertEquals(Shape.of(Shape.BATCH, 2 * LATENT), enc.shape());
        assertEquals(Shape.of(Shape.BATCH, 784), dec.shape());

        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("encoder/conv0/weight", new long[] {32, 1, 4, 4});
        expected.put("encoder/conv0/bias", new long[] {32});
        expected.put("encoder/conv1/weight", new long[] {64, 32, 4, 4});
        expected.put("encoder/conv1/bias", new long[] {64});
        expected.put("encoder/fc0/weight", new long[] {64 * 7 * 7 + 10, 256}); // flattened map + label
        expected.put("encoder/fc0/bias", new long[] {256});
        expected.put("encoder/out/weight", new long[] {256, 2 * LATENT});
        expected.put("encoder/out/bias", new long[] {2 * LATENT});
        expected.put("decoder/fc0/weight", new long[] {LATENT + 10, 256}); // z + label
        expected.put("decoder/fc0/bias", new long[] {256});
        expected.put("decoder/project/weight", new long[] {256, 64 * 7 * 7});
        expected.put("decoder/project/bias", new long[] {64 * 7 * 7});
        expected.put("decoder/deconv0/weight", new long[] {64, 32, 4, 4});
        expected.put("decoder/deconv0/bias", new long[] {32});
        expected.put("decoder/deconv1/weight", new long[] {32, 1, 4, 4});
        expected.put("decoder/deconv1/bias", new long[] {1});
        Map<String, long[]> actual = shapes(params);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        expected.forEach((name, shape) -> assertArrayEquals(shape, actual.get(name), name));

        // bounds 1/sqrt(weight.size(1)·kH·kW), as torch.nn.Conv2d / ConvTranspose2d / Linear draw them
        Map<String, Double> bounds = Map.of(
                "encoder/conv0/weight", 1 / Math.sqrt(1 * 16), "encoder/conv1/bias", 1 / Math.sqrt(32 * 16),
                "decoder/deconv0/weight", 1 / Math.sqrt(32 * 16), "decoder/deconv1/weight", 1 / Math.sqrt(1 * 16),
                "decoder/deconv0/bias", 1 / Math.sqrt(32 * 16), "decoder/project/weight", 1 / Math.sqrt(256));
        for (ParameterSpec spec : params.specs()) {
            Double bound = bounds.get(spec.name());
            if (bound == null) {
                continue;
            }
            float[] values = spec.init().values(spec.shape(), new SplittableRandom(1));
            double max = 0;
            for (float v : values) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max <= bound, spec.name() + ": " + max + " exceeds " + bound);
            // with 16 or more draws, the largest is within 35% of the bound with near certainty
            assertTrue(max > 0.65 * bound, spec.name() + ": largest draw " + max + " far below " + bound);
        }
    }

    @Test
    void theBurgessPresetHasItsPublishedLayoutAndParameterCount() throws OrtException {
        for (int c : new int[] {1, 3}) {
            ImageDims image = new ImageDims(c, 64, 64);
            String yaml = "{type: conv, preset: burgess}";
            Graph g = new Graph(DType.FLOAT);
            GraphInputParameters params = new GraphInputParameters(g, "");
            Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, image.size()));
            Tensor z = g.input("z", DType.FLOAT, Shape.of(Shape.BATCH, 10));
            assertEquals(Shape.of(Shape.BATCH, 20), network(yaml, NetworkRole.ENCODER, image)
                    .apply(g, params, "encoder", x, Optional.empty(), 20).shape());
            assertEquals(Shape.of(Shape.BATCH, image.size()), network(yaml, NetworkRole.DECODER, image)
                    .apply(g, params, "decoder", z, Optional.empty(), image.size()).shape());
            Map<String, long[]> shapes = shapes(params);
            assertArrayEquals(new long[] {32, c, 4, 4}, shapes.get("encoder/conv0/weight"));
            assertArrayEquals(new long[] {32 * 4 * 4, 256}, shapes.get("encoder/fc0/weight")); // 64 -> 32 -> 16 -> 8 -> 4
            assertArrayEquals(new long[] {256, 32 * 4 * 4}, shapes.get("decoder/project/weight"));
            assertArrayEquals(new long[] {32, c, 4, 4}, shapes.get("decoder/deconv3/weight"));

            // counted by hand from Burgess et al. (2018), Table 1, with L = 10:
            // encoder: conv 32·C·16 + 32, three conv 32·32·16 + 32, fc 512·256 + 256, fc 256·256 + 256, out 256·20 + 20
            long encoder = (32L * c * 16 + 32) + 3 * (32 * 32 * 16 + 32) + (512 * 256 + 256) + (256 * 256 + 256)
                    + (256 * 20 + 20);
            // decoder: fc 10·256 + 256, fc 256·256 + 256, fc 256·512 + 512, three deconv 32·32·16 + 32, deconv 32·C·16 + C
            long decoder = (10 * 256 + 256) + (256 * 256 + 256) + (256 * 512 + 512) + 3 * (32 * 32 * 16 + 32)
                    + (32L * c * 16 + c);
            assertEquals(c == 1 ? 252_052 : 253_076, encoder);
            assertEquals(c == 1 ? 249_953 : 250_979, decoder);
            assertEquals(encoder, count(params, "encoder/"));
            assertEquals(decoder, count(params, "decoder/"));
        }
        // the whole network runs at batch sizes 1 and 3
        ImageDims rgb = new ImageDims(3, 64, 64);
        checkShapes(graphs("{type: conv, preset: burgess}", rgb), rgb);
    }

    @Test
    void keysBesideAPresetWinAndAnUnknownPresetIsNamed() {
        ImageDims image = new ImageDims(1, 64, 64);
        ConvNetwork wide = (ConvNetwork) network("{type: conv, preset: burgess, channels: [32, 32, 64, 64]}",
                NetworkRole.ENCODER, image);
        assertEquals(List.of(32, 32, 64, 64), wide.channels());
        assertEquals(List.of(256, 256), wide.hidden());
        assertEquals(1, wide.padding());
        ConfigException unknown = assertThrows(ConfigException.class, () -> network(
                "{type: conv, preset: burges}", NetworkRole.ENCODER, image));
        assertTrue(unknown.getMessage().contains("test.yaml:1:") && unknown.getMessage().contains("did you mean 'burgess'"),
                unknown.getMessage());
        // four halvings of a 8x8 image leave 1x1 before the fourth, too small for its 4x4 kernel padded by 1
        ConfigException tooSmall = assertThrows(ConfigException.class, () -> network(
                "{type: conv, preset: burgess}", NetworkRole.ENCODER, new ImageDims(1, 8, 8)));
        assertTrue(tooSmall.getMessage().contains("'preset'") && tooSmall.getMessage().contains("does not fit"),
                tooSmall.getMessage());
    }

    private static long count(GraphInputParameters params, String prefix) {
        return params.specs().stream().filter(s -> s.name().startsWith(prefix)).mapToLong(s -> s.shape().size()).sum();
    }

    @Test
    void geometryErrorsNameTheFileLineAndKey() {
        ImageDims mnist = new ImageDims(1, 28, 28);
        // 28 -> 14 -> 7 -> 3 -> 1, then a 4x4 kernel cannot fit a 1x1 map padded by 1
        ConfigException tooDeep = assertThrows(ConfigException.class, () -> network(
                "{type: conv, channels: [8, 8, 8, 8, 8]}", NetworkRole.ENCODER, mnist));
        assertTrue(tooDeep.getMessage().contains("test.yaml:1:"), tooDeep.getMessage());
        assertTrue(tooDeep.getMessage().contains("'channels'"), tooDeep.getMessage());
        assertTrue(tooDeep.getMessage().contains("convolution 5 of 5 does not fit"), tooDeep.getMessage());
        assertTrue(tooDeep.getMessage().contains("allows 4 such layers"), tooDeep.getMessage());

        ConfigException padding = assertThrows(ConfigException.class, () -> network(
                "{type: conv, kernel: 3, padding: 3}", NetworkRole.DECODER, mnist));
        assertTrue(padding.getMessage().contains("'padding'") && padding.getMessage().contains("less than the kernel size 3"),
                padding.getMessage());

        ConfigException channels = assertThrows(ConfigException.class, () -> network(
                "{type: conv, channels: []}", NetworkRole.ENCODER, mnist));
        assertTrue(channels.getMessage().contains("at least one positive channel count"), channels.getMessage());

        ConfigException typo = assertThrows(ConfigException.class, () -> network(
                "{type: conv, kernal: 3}", NetworkRole.ENCODER, mnist));
        assertTrue(typo.getMessage().contains("did you mean 'kernel'"), typo.getMessage());
    }

    @Test
    void defaultPaddingHalvesTheMapForKernelFourStrideTwo() {
        List<ConvNetwork.FeatureMap> maps = ConvNetwork.featureMaps(new ImageDims(1, 64, 64), 4, 4, 2, 1);
        assertEquals(List.of(64, 32, 16, 8, 4), maps.stream().map(ConvNetwork.FeatureMap::height).toList());
        ConvNetwork net = (ConvNetwork) network("{type: conv}", NetworkRole.ENCODER, new ImageDims(1, 28, 28));
        assertEquals(1, net.padding());
        assertEquals(List.of(32, 64), net.channels());
    }

    private static Map<String, long[]> shapes(GraphInputParameters params) {
        Map<String, long[]> out = new LinkedHashMap<>();
        params.specs().forEach(s -> out.put(s.name(), s.shape().dims()));
        return out;
    }

    /** Runs {@code g} with random inputs: {@code data} gets {@code batch} rows, parameters their static shapes. */
    private static Map<String, float[]> run(Graph g, String data, int batch) throws OrtException {
        SplittableRandom random = new SplittableRandom(batch);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        byte[] model = OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("shapes"));
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions())) {
            for (Tensor in : g.inputs()) {
                long[] shape = in.shape().concrete(batch, 0);
                int n = Math.toIntExact(Shape.of(shape).size());
                float[] v = new float[n];
                double scale = in.name().equals(data) ? 1.0 : 0.1;
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (scale * (2 * random.nextDouble() - 1));
                }
                inputs.put(in.name(), OnnxTensor.createTensor(ENV, FloatBuffer.wrap(v), shape));
            }
            Map<String, float[]> out = new HashMap<>();
            try (OrtSession.Result result = session.run(inputs)) {
                for (var e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    long[] shape = t.getInfo().getShape();
                    assertEquals(batch, shape[0], e.getKey() + " batch axis");
                    FloatBuffer b = t.getFloatBuffer();
                    float[] values = new float[b.remaining()];
                    b.get(values);
                    for (float f : values) {
                        assertTrue(Float.isFinite(f), e.getKey() + " has a non-finite value");
                    }
                    out.put(e.getKey(), values);
                }
            }
            return out;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
