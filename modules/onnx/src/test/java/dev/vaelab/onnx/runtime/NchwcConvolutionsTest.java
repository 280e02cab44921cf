package dev.vaelab.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.SystemProperties;
import dev.vaelab.onnx.autodiff.Autodiff;
import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.NodeRewrite;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.Adam;
import dev.vaelab.onnx.optim.Initializer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * ORT's NCHWc convolutions compute what its generic Conv and ConvTranspose do, on every geometry the
 * rewrite takes, and it leaves the others alone: each graph runs twice, as written and rewritten,
 * on the same inputs. The finite-difference checks of the gradient rules (GradientCheckTest) run
 * on the written graphs; here the gradients of a conv net are compared between the two.
 */
class NchwcConvolutionsTest {
    private static final OrtEngine ENGINE = new OrtEngine(2, true);
    private static final double TOLERANCE = 2e-5;

    @Test
    void theProbeFindsTheBlockOfThisMachinesVectorUnit() throws Exception {
        String flags = Files.exists(Path.of("/proc/cpuinfo")) ? Files.readString(Path.of("/proc/cpuinfo")) : "";
        assumeTrue(flags.contains(" avx2"), "no /proc/cpuinfo with AVX2 here, so no known block size to expect");
        // MLAS's NCHWc block is one vector register of floats: 16 with AVX-512F, 8 with AVX2
        assertEquals(flags.contains(" avx512f") ? 16 : 8, ENGINE.nchwcBlockSize());
    }

    @Test
    void convolutionsGiveTheGenericKernelsValues() throws Exception {
        int b = blockSize();
        long c = 2L * b;
        // an image's first layer (fewer channels than a block), blocked channels, stride 1 and 3x3, an odd map
        expectSame(1, 0, g -> conv(g, 1, b, 12, 4, ConvGeometry.of(2, 1), true));
        expectSame(1, 0, g -> conv(g, 3, b, 12, 4, ConvGeometry.of(2, 1), true)); // colour images
        expectSame(1, 1, g -> conv(g, b, c, 14, 4, ConvGeometry.of(2, 1), true));
        expectSame(1, 1, g -> conv(g, c, b, 9, 3, ConvGeometry.of(1, 1), false));
        expectSame(1, 1, g -> conv(g, b, b, 13, 4, ConvGeometry.of(2, 1), true));
        expectSame(1, 1, g -> conv(g, b, b, 10, 3, new ConvGeometry(new long[] {2, 1}, new long[] {1, 0, 0, 2},
                new long[] {1, 1}, new long[2]), true));
        // not taken: output channels not a whole number of blocks, a dilated kernel (a weight gradient's batch-axis Conv)
        expectSame(0, 0, g -> conv(g, b, 1, 8, 4, ConvGeometry.of(2, 1), true));
        expectSame(0, 0, g -> conv(g, b, b, 9, 3, new ConvGeometry(new long[] {1, 1}, new long[4],
                new long[] {2, 2}, new long[2]), true));
    }

    @Test
    void transposedConvolutionsGiveTheGenericKernelsValues() throws Exception {
        int b = blockSize();
        long c = 2L * b;
        // the phases of a stride-2 4x4 deconv (the zoo's), from a first-layer-sized input, stride 1 (the
        // kernel reversed), stride 3 with padding 0, unequal strides, pads and output padding per axis
        expectSame(4, 1, g -> convTranspose(g, c, b, 7, 4, 4, ConvGeometry.of(2, 1), true));
        expectSame(4, 0, g -> convTranspose(g, 1, b, 6, 4, 4, ConvGeometry.of(2, 1), false));
        expectSame(1, 1, g -> convTranspose(g, b, b, 8, 3, 3, ConvGeometry.of(1, 1), true));
        expectSame(9, 1, g -> convTranspose(g, b, b, 5, 6, 6, ConvGeometry.of(3, 0), true));
        expectSame(2, 1, g -> convTranspose(g, b, c, 6, 4, 3, new ConvGeometry(new long[] {2, 1},
                new long[] {1, 0, 2, 2}, new long[] {1, 1}, new long[] {1, 0}), true));
        // not taken: one or three output channels (the decoder's last layer), phases of unequal size,
        // a stride not dividing the kernel
        expectSame(0, 0, g -> convTranspose(g, b, 1, 7, 4, 4, ConvGeometry.of(2, 1), true));
        expectSame(0, 0, g -> convTranspose(g, b, 3, 7, 4, 4, ConvGeometry.of(2, 1), true));
        expectSame(0, 0, g -> convTranspose(g, b, b, 7, 4, 4, ConvGeometry.of(2, 1, 1), true));
        expectSame(0, 0, g -> convTranspose(g, b, b, 7, 3, 3, ConvGeometry.of(2, 1), true));
    }

    @Test
    void aConvNetsGradientsAreTheSameOnEitherKernels() throws Exception {
        int b = blockSize();
        // encoder 1 -> B -> 2B channels, 16x16 -> 4x4, decoder back: every conv and deconv of a training
        // step, and the gradient graph's own ConvTransposes (input gradients, output padding) and Convs
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 1, 16, 16));
        List<Tensor> params = new ArrayList<>();
        Function<Shape, Tensor> param = shape -> {
            Tensor t = g.input("p" + params.size(), DType.FLOAT, shape);
            params.add(t);
            return t;
        };
        Tensor h = g.relu(g.conv(x, param.apply(Shape.of(b, 1, 4, 4)), param.apply(Shape.of(b)), 2, 1));
        h = g.relu(g.conv(h, param.apply(Shape.of(2L * b, b, 4, 4)), param.apply(Shape.of(2L * b)), 2, 1));
        h = g.relu(g.convTranspose(h, param.apply(Shape.of(2L * b, b, 4, 4)), param.apply(Shape.of(b)), 2, 1, 0));
        h = g.convTranspose(h, param.apply(Shape.of(b, 1, 4, 4)), param.apply(Shape.of(1)), 2, 1, 0);
        Tensor loss = g.sumAll(g.mul(g.tanh(h), x));
        Map<Tensor, Tensor> grads = Autodiff.gradients(g, loss, params);
        g.output("loss", loss);
        for (int i = 0; i < params.size(); i++) {
            g.output("grad" + i, grads.get(params.get(i)));
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("x", new long[] {3, 1, 16, 16});
        params.forEach(p -> shapes.put(p.name(), p.shape().dims()));
        ModelProto rewritten = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("net").withRewrite(ENGINE.rewrite()));
        assertTrue(nchwcConvs(rewritten) >= 8, "forward and input-gradient convolutions rewritten: " + nchwcConvs(rewritten));
        if (ENGINE.fusedKernels()) {
            // maps stay in blocks from conv to conv, the last deconv (to 1 channel) included: no reorder left
            assertEquals(0, count(rewritten, "ReorderOutput"), "ReorderOutputs");
            assertEquals(0, count(rewritten, "ReorderInput"), "ReorderInputs");
            assertEquals(1, countAll(rewritten, "FewChannelDeconv"), "the 1-channel deconv reads its input in blocks");
            // the three ReLUs are applied by their convolutions (two Convs, one interleave)
            assertEquals(0, countAll(rewritten, "Relu"), "Relu nodes left");
            assertEquals(3, countAll(rewritten, "Identity"), "ReLUs applied by their convolution");
            assertEquals(2, rewritten.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv")
                    && n.getAttributeList().stream().anyMatch(a -> a.getName().equals("activation"))).count(), "Convs with their ReLU");
            // weight gradients told which operand is blocked (the last two geometry values), bias gradients summed per block
            assertEquals(4, rewritten.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("ConvWeightGrad")
                    && blockedOperands(n) > 0).count(), "weight gradients reading blocks");
            // the three ReLU layers' bias gradients summed by the kernel that computes their ReLU gradient, in blocks:
            // the first conv's by the interleave of the second conv's input gradient, the first deconv's by the
            // one-channel conv of the last deconv's input gradient, the second conv's after an NCHWc Conv
            assertEquals(1, rewritten.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("ReluGradBias")
                    && blockedOperands(n) == 1).count(), "ReLU gradients with their bias sums, blocked");
            assertEquals(1, countAll(rewritten, "InterleaveReluGrad"), "an input gradient's interleave with the ReLU gradient");
            assertEquals(1, countAll(rewritten, "FewChannelConvReluGrad"), "the image layer's input gradient with it");
            assertEquals(1, countAll(rewritten, "InterleavePhases"), "the deconv's forward interleave");
            assertEquals(0, countAll(rewritten, "ReluGrad"), "ReLU gradients without their bias sum");
        }
        compare(run(OnnxModelWriter.write(g, OnnxModelWriter.Options.named("net")), shapes), run(rewritten, shapes));
    }

    @Test
    void aTransposedConvolutionToFewerChannelsThanABlockReadsItsInputInBlocks() throws Exception {
        assumeTrue(ENGINE.fusedKernels(), "vaelab's kernels are not built here");
        int b = blockSize();
        // a decoder's last layer (1 or 3 channels) after a blocked conv: the zoo's stride-2 4x4, stride 1,
        // stride 3 with a 5x5 kernel and no padding, unequal strides and pads, output padding
        expectFewChannelDeconv(b, 2 * b, 1, 4, 4, ConvGeometry.of(2, 1));
        expectFewChannelDeconv(b, b, 3, 4, 4, ConvGeometry.of(2, 1));
        expectFewChannelDeconv(b, b, 1, 3, 3, ConvGeometry.of(1, 1));
        expectFewChannelDeconv(b, b, 3, 5, 5, ConvGeometry.of(3, 0));
        expectFewChannelDeconv(b, b, 1, 4, 3, new ConvGeometry(new long[] {2, 1}, new long[] {1, 0, 2, 2},
                new long[] {1, 1}, new long[] {1, 0}));
    }

    private static void expectFewChannelDeconv(int b, long channels, long filters, long kh, long kw, ConvGeometry geo)
            throws Exception {
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 1, 7, 6));
        Tensor w0 = g.input("w0", DType.FLOAT, Shape.of(channels, 1, 3, 3));
        Tensor w1 = g.input("w1", DType.FLOAT, Shape.of(channels, filters, kh, kw));
        Tensor bias = g.input("b1", DType.FLOAT, Shape.of(filters));
        Tensor h = g.relu(g.conv(x, w0, null, ConvGeometry.of(1, 1)));
        g.output("y", g.convTranspose(h, w1, bias, geo));
        Map<String, long[]> shapes = shapes(g, 3);
        ModelProto rewritten = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
        assertEquals(1, countAll(rewritten, "FewChannelDeconv"), "the deconv as the kernel, " + geo);
        assertEquals(0, count(rewritten, "ReorderOutput"), "the conv's output stays blocked, " + geo);
        compare(run(OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t")), shapes), run(rewritten, shapes));
    }

    @Test
    void theBiasGradientOfABlockedMapWithoutAReluIsSummedPerBlock() throws Exception {
        assumeTrue(ENGINE.fusedKernels(), "vaelab's kernels are not built here");
        int b = blockSize();
        // two convs without an activation between them: the first one's output gradient (the second's
        // input gradient) stays in blocks, and its bias gradient sums it block by block
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 1, 12, 12));
        List<Tensor> params = List.of(g.input("w0", DType.FLOAT, Shape.of(b, 1, 4, 4)), g.input("b0", DType.FLOAT, Shape.of(b)),
                g.input("w1", DType.FLOAT, Shape.of(b, b, 4, 4)), g.input("b1", DType.FLOAT, Shape.of(b)));
        Tensor h = g.conv(x, params.get(0), params.get(1), 2, 1);
        ModelProto rewritten = gradientsBothWays(g, g.sumAll(g.tanh(g.conv(h, params.get(2), params.get(3), 2, 1))), params);
        assertEquals(1, rewritten.getGraph().getNodeList().stream()
                .filter(n -> n.getOutput(0).endsWith("_per_image")).count(), "a bias gradient summed per block");
    }

    @Test
    void anInputGradientsInterleaveComputesTheReluGradientAndBiasSumToTheBitsOfTheSeparatePass() throws Exception {
        assumeTrue(ENGINE.fusedKernels(), "vaelab's kernels are not built here");
        int b = blockSize();
        // two stride-2 ReLU convs: the second's input gradient is a transposed conv whose output only the first's
        // ReLU gradient reads; 9 images, so that the bias sums run in 8 ranges of images
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 1, 16, 16));
        List<Tensor> params = List.of(g.input("w0", DType.FLOAT, Shape.of(b, 1, 4, 4)), g.input("b0", DType.FLOAT, Shape.of(b)),
                g.input("w1", DType.FLOAT, Shape.of(2L * b, b, 4, 4)), g.input("b1", DType.FLOAT, Shape.of(2L * b)));
        Tensor h = g.relu(g.conv(x, params.get(0), params.get(1), 2, 1));
        h = g.relu(g.conv(h, params.get(2), params.get(3), 2, 1));
        Tensor loss = g.sumAll(g.tanh(h));
        Map<Tensor, Tensor> grads = Autodiff.gradients(g, loss, params);
        g.output("loss", loss);
        params.forEach(p -> g.output("grad_" + p.name(), grads.get(p)));
        Map<String, long[]> shapes = shapes(g, 9);
        Map<String, ModelProto> models = new LinkedHashMap<>();
        for (boolean mask : new boolean[] {true, false}) {
            models.put(mask ? "one pass" : "two passes", OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t")
                    .withRewrite(NodeRewrite.both(new NchwcConvolutions(b, true, mask), new FusedKernels()))));
        }
        assertEquals(1, countAll(models.get("one pass"), "InterleaveReluGrad"));
        assertEquals(0, countAll(models.get("one pass"), "InterleavePhases"));
        assertEquals(0, countAll(models.get("two passes"), "InterleaveReluGrad"));
        assertEquals(1, countAll(models.get("two passes"), "InterleavePhases"));
        assertEquals(countAll(models.get("two passes"), "ReluGradBias") - 1, countAll(models.get("one pass"), "ReluGradBias"));
        Map<String, float[]> onePass = run(models.get("one pass"), shapes);
        Map<String, float[]> twoPasses = run(models.get("two passes"), shapes);
        assertEquals(twoPasses.keySet(), onePass.keySet());
        twoPasses.forEach((name, want) -> assertArrayEquals(want, onePass.get(name), name + ": the same bits"));
        compare(run(OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t")), shapes), onePass);
    }

    @Test
    void aDecodersImageLayerGradientComputesTheReluGradientOfTheLayerBeforeOnTheWay() throws Exception {
        assumeTrue(ENGINE.fusedKernels(), "vaelab's kernels are not built here");
        int b = blockSize();
        for (long channels : new long[] {1, 3}) {
            // a decoder's last two layers: a ReLU deconv to b channels, then one to a grey or colour image; the image's
            // gradient convolved back to b channels (a Conv from fewer channels than a block) meets that ReLU's
            // gradient; 9 images, so that the bias sums run in 8 ranges of images
            Graph g = new Graph(DType.FLOAT);
            Tensor z = g.input("z", DType.FLOAT, Shape.of(Shape.BATCH, 2L * b, 6, 6));
            Tensor target = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, channels, 24, 24));
            List<Tensor> params = List.of(g.input("w0", DType.FLOAT, Shape.of(2L * b, b, 4, 4)), g.input("b0", DType.FLOAT, Shape.of(b)),
                    g.input("w1", DType.FLOAT, Shape.of(b, channels, 4, 4)), g.input("b1", DType.FLOAT, Shape.of(channels)));
            Tensor h = g.relu(g.convTranspose(z, params.get(0), params.get(1), 2, 1, 0));
            Tensor image = g.convTranspose(h, params.get(2), params.get(3), 2, 1, 0);
            Tensor loss = g.sumAll(g.mul(g.tanh(image), target));
            Map<Tensor, Tensor> grads = Autodiff.gradients(g, loss, params);
            g.output("loss", loss);
            params.forEach(p -> g.output("grad_" + p.name(), grads.get(p)));
            Map<String, long[]> shapes = shapes(g, 9);
            Map<String, float[]> generic = run(OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t")), shapes);
            for (boolean mask : new boolean[] {true, false}) {
                ModelProto model = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t")
                        .withRewrite(NodeRewrite.both(new NchwcConvolutions(b, true, mask), new FusedKernels())));
                assertEquals(mask ? 1 : 0, countAll(model, "FewChannelConvReluGrad"), channels + " channels, one pass: " + mask);
                assertEquals(mask ? 0 : 1, model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("ReluGradBias")
                        && blockedOperands(n) == 1).count(), "the ReLU gradient in a pass of its own: " + !mask);
                compare(generic, run(model, shapes));
            }
        }
    }

    @Test
    void aReluGradientInNchwIsComputedWithItsBiasSum() throws Exception {
        assumeTrue(ENGINE.fusedKernels(), "vaelab's kernels are not built here");
        int b = blockSize();
        // Tanh reads the ReLU's output, so it keeps NCHW, and so do the ReLU gradient and its bias sum
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 1, 9, 9));
        List<Tensor> params = List.of(g.input("w0", DType.FLOAT, Shape.of(b, 1, 3, 3)), g.input("b0", DType.FLOAT, Shape.of(b)));
        ModelProto rewritten = gradientsBothWays(g, g.sumAll(g.tanh(g.relu(g.conv(x, params.get(0), params.get(1), 1, 1)))),
                params);
        assertEquals(1, rewritten.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("ReluGradBias")
                && blockedOperands(n) == 0).count(), "a ReLU gradient with its bias sum, in NCHW");
    }

    /**
     * Outputs {@code loss} and its gradients with respect to {@code params}, runs the graph as written
     * and as this engine rewrites it on a batch of 3 (the same values), and returns the rewritten model.
     */
    private static ModelProto gradientsBothWays(Graph g, Tensor loss, List<Tensor> params) throws Exception {
        Map<Tensor, Tensor> grads = Autodiff.gradients(g, loss, params);
        g.output("loss", loss);
        params.forEach(p -> g.output("grad_" + p.name(), grads.get(p)));
        Map<String, long[]> shapes = shapes(g, 3);
        ModelProto rewritten = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
        compare(run(OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t")), shapes), run(rewritten, shapes));
        return rewritten;
    }

    @Test
    void aMapThatSomethingElseReadsKeepsNchwAndAReluWhoseInputIsReadTwiceStaysARelu() throws Exception {
        int b = blockSize();
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, b, 8, 8));
        Tensor w0 = g.input("w0", DType.FLOAT, Shape.of(b, b, 3, 3));
        Tensor w1 = g.input("w1", DType.FLOAT, Shape.of(b, b, 3, 3));
        Tensor pre = g.conv(x, w0, null, ConvGeometry.of(1, 1));
        Tensor h = g.relu(pre);
        g.output("pre", pre); // the pre-activation is an output: its conv cannot apply the ReLU
        g.output("y", g.conv(h, w1, null, ConvGeometry.of(1, 1)));
        g.output("t", g.tanh(h)); // Tanh reads NCHW only: h keeps NCHW, so does the conv's input read
        Map<String, long[]> shapes = shapes(g, 2);
        ModelProto rewritten = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
        assertEquals(1, countAll(rewritten, "Relu"), "the ReLU stays");
        assertEquals(0, countAll(rewritten, "Identity"), "no ReLU applied by a conv");
        assertEquals(2, count(rewritten, "ReorderOutput"), "both convs write NCHW");
        assertEquals(2, count(rewritten, "ReorderInput"), "both convs read NCHW");
        compare(run(OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t")), shapes), run(rewritten, shapes));
    }

    @Test
    void aTrainingProgramRunsItsLoopBodysConvolutionsOnNchwcAndTrainsToTheSameLosses() {
        int b = blockSize();
        // a conv autoencoder step with Adam: the convolutions live in the Loop body of the program
        TrainingProgram program = TrainingProgramBuilder.build(ctx -> {
            Graph g = ctx.graph();
            Tensor x = ctx.stepInput("x", DType.FLOAT, Shape.of(4, 1, 8, 8));
            Tensor w0 = ctx.parameters().parameter("w0", Shape.of(b, 1, 4, 4), Initializer.uniform(0.25));
            Tensor w1 = ctx.parameters().parameter("w1", Shape.of(b, 1, 4, 4), Initializer.uniform(0.25 / Math.sqrt(b)));
            Tensor h = g.relu(g.conv(x, w0, null, 2, 1));
            Tensor err = g.sub(g.convTranspose(h, w1, null, 2, 1, 0), x);
            return new TrainingProgramBuilder.StepOutputs(g.mul(g.sumAll(g.square(err)), 0.25), Map.of());
        }, Adam.pytorchDefaults());
        ModelProto model = OnnxModelWriter.write(program.graph(), OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
        var body = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Loop")).findFirst().orElseThrow()
                .getAttributeList().stream().filter(a -> a.getName().equals("body")).findFirst().orElseThrow().getG();
        assertTrue(body.getNodeList().stream().filter(n -> n.getDomain().equals(NchwcConvolutions.DOMAIN)).count() >= 4,
                "the Loop body's forward and input-gradient convolutions run on NCHWc");
        float[] generic = SwitchedTraining.losses(program, OrtEngine.NCHWC_PROPERTY, "0", 4 * 64);
        float[] nchwc = SwitchedTraining.losses(program, OrtEngine.NCHWC_PROPERTY, "1", 4 * 64);
        assertTrue(generic[generic.length - 1] < generic[0] * 0.8, "trains: " + java.util.Arrays.toString(generic));
        for (int i = 0; i < generic.length; i++) {
            assertEquals(generic[i], nchwc[i], 1e-4 * Math.abs(generic[i]), "loss at step " + i);
        }
    }

    @Test
    void switchedOffTheEngineRewritesNothing() {
        SystemProperties.run(OrtEngine.NCHWC_PROPERTY, "0", () -> {
            NodeRewrite rewrite = new OrtEngine(1, true).rewrite();
            assertTrue(!rewrite.domains().containsKey(NchwcConvolutions.DOMAIN), "imports " + rewrite.domains());
            Graph g = new Graph(DType.FLOAT);
            var shapes = conv(g, 2L * blockSize(), blockSize(), 8, 3, ConvGeometry.of(1, 1), true);
            ModelProto model = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("conv").withRewrite(rewrite));
            assertEquals(0, nchwcConvs(model), "no NCHWc convolution for " + shapes.keySet());
        });
    }

    private static int blockSize() {
        int b = ENGINE.nchwcBlockSize();
        assumeTrue(b > 0, "this machine's ONNX Runtime has no NCHWc kernels: the engine keeps the generic ones");
        return b;
    }

    private static Map<String, long[]> conv(Graph g, long channels, long filters, long size, long kernel,
                                            ConvGeometry geo, boolean bias) {
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, channels, size, size + 1));
        Tensor w = g.input("w", DType.FLOAT, Shape.of(filters, channels, kernel, kernel));
        Tensor b = bias ? g.input("b", DType.FLOAT, Shape.of(filters)) : null;
        g.output("y", g.conv(x, w, b, geo));
        return shapes(g, 2);
    }

    private static Map<String, long[]> convTranspose(Graph g, long channels, long filters, long size, long kh, long kw,
                                                     ConvGeometry geo, boolean bias) {
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, channels, size, size + 1));
        Tensor w = g.input("w", DType.FLOAT, Shape.of(channels, filters, kh, kw));
        Tensor b = bias ? g.input("b", DType.FLOAT, Shape.of(filters)) : null;
        g.output("y", g.convTranspose(x, w, b, geo));
        return shapes(g, 2);
    }

    private static Map<String, long[]> shapes(Graph g, long batch) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        g.inputs().forEach(t -> shapes.put(t.name(), t.shape().concrete(batch, 0)));
        return shapes;
    }

    /**
     * Runs the graph {@code build} makes as written and rewritten: the same outputs, and
     * {@code phases} NCHWc Convs and {@code reorders} ReorderInputs in the rewritten model.
     */
    private static void expectSame(int phases, int reorders, Function<Graph, Map<String, long[]>> build) throws Exception {
        Graph g = new Graph(DType.FLOAT);
        Map<String, long[]> shapes = build.apply(g);
        Map<String, float[]> generic = run(OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t")), shapes);
        // the phases of a transposed convolution interleaved by vaelab's kernel (where built) and by Concats
        for (boolean kernel : ENGINE.fusedKernels() ? new boolean[] {true, false} : new boolean[] {false}) {
            ModelProto rewritten = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t")
                    .withRewrite(new NchwcConvolutions(blockSize(), kernel)));
            assertEquals(phases, nchwcConvs(rewritten), "NCHWc Convs in " + g.nodes());
            assertEquals(reorders, count(rewritten, "ReorderInput"), "ReorderInputs in " + g.nodes());
            boolean transposed = g.nodes().stream().anyMatch(n -> n.opType().equals("ConvTranspose")) && phases > 0;
            assertEquals(kernel && transposed ? 1 : 0, rewritten.getGraph().getNodeList().stream()
                    .filter(n -> n.getOpType().equals("InterleavePhases")).count(), "interleaved by the kernel: " + kernel);
            compare(generic, run(rewritten, shapes));
        }
    }

    private static long countAll(ModelProto model, String op) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
    }

    /** How many of a kernel's operands are blocked: ConvWeightGrad's last two geometry values, ReluGradBias's one. */
    private static long blockedOperands(ai.onnx.proto.OnnxMl.NodeProto n) {
        List<Long> geometry = n.getAttributeList().stream().filter(a -> a.getName().equals("geometry")).findFirst()
                .orElseThrow().getIntsList();
        int layouts = n.getOpType().equals("ReluGradBias") ? 1 : 2;
        return geometry.subList(geometry.size() - layouts, geometry.size()).stream().filter(v -> v > 0).count();
    }

    private static long nchwcConvs(ModelProto model) {
        return count(model, "Conv");
    }

    private static long count(ModelProto model, String op) {
        return model.getGraph().getNodeList().stream()
                .filter(n -> n.getDomain().equals(NchwcConvolutions.DOMAIN) && n.getOpType().equals(op)).count();
    }

    private static Map<String, float[]> run(ModelProto model, Map<String, long[]> shapes) throws Exception {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, float[]> outputs = new LinkedHashMap<>();
        try (OrtSession session = ENGINE.session(model.toByteArray())) {
            for (var e : shapes.entrySet()) {
                long n = 1;
                for (long d : e.getValue()) {
                    n *= d;
                }
                Random random = new Random(e.getKey().hashCode());
                // weights of a trained net's size (activations of order 1), so that float rounding stays small
                double scale = e.getKey().equals("x") ? 1 : 0.1;
                float[] v = new float[Math.toIntExact(n)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (scale * random.nextGaussian());
                }
                inputs.put(e.getKey(), ENGINE.tensor(v, e.getValue()));
            }
            try (OrtSession.Result result = ENGINE.run(session, inputs)) {
                for (var out : result) {
                    FloatBuffer values = ((OnnxTensor) out.getValue()).getFloatBuffer();
                    float[] copy = new float[values.remaining()];
                    values.get(copy);
                    outputs.put(out.getKey(), copy);
                }
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
        return outputs;
    }

    private static void compare(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (var e : expected.entrySet()) {
            float[] want = e.getValue();
            float[] got = actual.get(e.getKey());
            assertEquals(want.length, got.length, e.getKey());
            double scale = 0;
            for (float v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < want.length; i++) {
                double err = Math.abs(want[i] - got[i]) / Math.max(1.0, scale);
                assertTrue(err < TOLERANCE, String.format("%s[%d]: generic %.7g, NCHWc %.7g", e.getKey(), i, want[i], got[i]));
            }
        }
    }
}
