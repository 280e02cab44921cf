package dev.vaelab.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.autodiff.ConvWeightGradient;
import dev.vaelab.onnx.autodiff.ReluGradient;
import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.NodeRewrite;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.Adam;
import dev.vaelab.onnx.optim.AdamStep;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * vaelab's native kernels give the bits of the ONNX lowerings they replace: each fused operator runs
 * as written in standard ONNX and as the engine's kernel on the same inputs, and both are checked
 * against the definition computed here in Java's IEEE float arithmetic; the weight gradient's GEMM,
 * whose sums are in its own order, against the definition in double to float rounding. Sizes span one element, the
 * kernels' chunk of 16384 with a ragged tail (so that ORT's threads split the work), a weight of
 * the MLP's size and one of the MNIST conv net's dense size with a tail of 5 (AdamStep's streaming
 * stores, from 2^19 values on, and the plain stores after the last whole vector).
 */
class FusedKernelsTest {
    private static final OrtEngine ENGINE = new OrtEngine(2, true);
    private static final long[] SIZES = {1, 15, 16384 * 3 + 37, 784 * 400, 3136 * 256 + 5};

    @Test
    void theLibraryIsBuiltAndUsedWhereTheBuildHadACompiler() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")) && System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"), "no C compiler or not Linux x86-64: the library is not built");
        assertTrue(NativeKernels.library().isPresent(), "the native-kernels profile builds " + NativeKernels.RESOURCE);
        assertTrue(ENGINE.fusedKernels());
        assertEquals(1L, ENGINE.rewrite().domains().get(FusedKernels.DOMAIN));
    }

    @Test
    void adamStepGivesItsLoweringsBits() throws Exception {
        for (long n : SIZES) {
            Graph g = new Graph(DType.FLOAT);
            Tensor[] ins = Stream.of("p", "g", "m", "w").map(name -> g.input(name, DType.FLOAT, Shape.of(n))).toArray(Tensor[]::new);
            Tensor[] scalars = Stream.of("beta1", "beta2", "step", "eps").map(name -> g.input(name, DType.FLOAT, Shape.of()))
                    .toArray(Tensor[]::new);
            List<Tensor> out = AdamStep.apply(g, ins[0], ins[1], ins[2], ins[3], scalars[0], scalars[1], scalars[2], scalars[3]);
            g.output("p1", out.get(0));
            g.output("m1", out.get(1));
            g.output("w1", out.get(2));
            Random random = new Random(n);
            Map<String, float[]> values = new LinkedHashMap<>();
            values.put("p", gaussians(random, n, 0.1f));
            values.put("g", gaussians(random, n, 1e-3f));
            values.put("m", gaussians(random, n, 1e-3f));
            float[] w = gaussians(random, n, 1e-6f);
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.abs(w[i]); // a second moment: not negative
            }
            values.put("w", w);
            values.put("beta1", new float[] {0.9f});
            values.put("beta2", new float[] {0.999f});
            values.put("step", new float[] {-3.16e-5f});
            values.put("eps", new float[] {3.16e-7f});

            Map<String, float[]> fused = runBoth(g, values, "AdamStep");
            float[] p1 = new float[(int) n];
            float[] m1 = new float[(int) n];
            float[] w1 = new float[(int) n];
            for (int i = 0; i < n; i++) {
                float gi = values.get("g")[i];
                m1[i] = values.get("m")[i] * 0.9f + gi;
                w1[i] = w[i] * 0.999f + gi * gi;
                p1[i] = values.get("p")[i] + -3.16e-5f * (m1[i] / ((float) Math.sqrt(w1[i]) + 3.16e-7f));
            }
            assertArrayEquals(p1, fused.get("p1"), "p' of " + n);
            assertArrayEquals(m1, fused.get("m1"), "m' of " + n);
            assertArrayEquals(w1, fused.get("w1"), "w' of " + n);
        }
    }

    @Test
    void oneAdamStepUpdatesEveryParameterToItsLoweringsBits() throws Exception {
        // the sizes of SIZES in one node: the threads share chunks of several parameters, a tail and a single value
        Graph g = new Graph(DType.FLOAT);
        Tensor[] scalars = Stream.of("beta1", "beta2", "step", "eps").map(name -> g.input(name, DType.FLOAT, Shape.of()))
                .toArray(Tensor[]::new);
        Map<String, List<Tensor>> slots = new LinkedHashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        Random random = new Random(11);
        for (String slot : List.of("p", "g", "m", "w")) {
            slots.put(slot, new ArrayList<>());
            for (int i = 0; i < SIZES.length; i++) {
                slots.get(slot).add(g.input(slot + i, DType.FLOAT, Shape.of(SIZES[i])));
                float[] v = gaussians(random, SIZES[i], slot.equals("p") ? 0.1f : slot.equals("w") ? 1e-6f : 1e-3f);
                if (slot.equals("w")) {
                    for (int j = 0; j < v.length; j++) {
                        v[j] = Math.abs(v[j]);
                    }
                }
                values.put(slot + i, v);
            }
        }
        List<List<Tensor>> out = AdamStep.applyAll(g, slots.get("p"), slots.get("g"), slots.get("m"), slots.get("w"),
                scalars[0], scalars[1], scalars[2], scalars[3]);
        for (int i = 0; i < SIZES.length; i++) {
            g.output("p1_" + i, out.get(0).get(i));
            g.output("m1_" + i, out.get(1).get(i));
            g.output("w1_" + i, out.get(2).get(i));
        }
        values.put("beta1", new float[] {0.9f});
        values.put("beta2", new float[] {0.999f});
        values.put("step", new float[] {-3.16e-5f});
        values.put("eps", new float[] {3.16e-7f});
        Map<String, float[]> fused = runBoth(g, values, "AdamStep");
        for (int i = 0; i < SIZES.length; i++) {
            for (int j = 0; j < SIZES[i]; j++) {
                float gj = values.get("g" + i)[j];
                float m1 = values.get("m" + i)[j] * 0.9f + gj;
                float w1 = values.get("w" + i)[j] * 0.999f + gj * gj;
                float p1 = values.get("p" + i)[j] + -3.16e-5f * (m1 / ((float) Math.sqrt(w1) + 3.16e-7f));
                assertEquals(m1, fused.get("m1_" + i)[j], "m' of parameter " + i + " at " + j);
                assertEquals(w1, fused.get("w1_" + i)[j], "w' of parameter " + i + " at " + j);
                assertEquals(p1, fused.get("p1_" + i)[j], "p' of parameter " + i + " at " + j);
            }
        }
    }

    @Test
    void reluGradGivesItsLoweringsBits() throws Exception {
        for (long n : SIZES) {
            Graph g = new Graph(DType.FLOAT);
            Tensor dy = g.input("dy", DType.FLOAT, Shape.of(n));
            Tensor y = g.input("y", DType.FLOAT, Shape.of(n));
            g.output("dx", ReluGradient.apply(g, dy, y));
            Random random = new Random(n);
            float[] dys = gaussians(random, n, 1);
            float[] ys = gaussians(random, n, 1);
            // the edges of the mask: zeros of both signs, NaN, the smallest normal floats, and an infinite gradient
            // times a zero mask (not denormals: the engine's threads flush them to zero, OrtEngine says why)
            float[] edges = {0f, -0f, Float.NaN, Float.MIN_NORMAL, -Float.MIN_NORMAL};
            for (int i = 0; i < Math.min(n, 2 * edges.length); i++) {
                ys[i] = edges[i % edges.length];
                dys[i] = i >= edges.length ? Float.POSITIVE_INFINITY : dys[i];
            }
            Map<String, float[]> fused = runBoth(g, Map.of("dy", dys, "y", ys), "ReluGrad");
            float[] dx = new float[(int) n];
            for (int i = 0; i < n; i++) {
                dx[i] = dys[i] * (ys[i] > 0 ? 1f : 0f);
            }
            assertArrayEquals(dx, fused.get("dx"), "dx of " + n);
        }
    }

    @Test
    void denseBiasGradientsAreTheirColumnSumsOnTheKernels() throws Exception {
        // a dense layer's bias gradient through a ReLU (ReluGradBias) and a head's (ColumnSum), with the NCHWc
        // convolutions' rewrite and without it (-Dvaelab.ort.nchwc=0): 300 rows (ranges of images), 784 and 37 columns
        // (column ranges of 256 and a ragged tail)
        assumeTrue(ENGINE.fusedKernels(), "no native kernels in this build");
        denseBiasGradients(ENGINE.rewrite());
        denseBiasGradients(NodeRewrite.both(new BiasSums(), new FusedKernels()));
    }

    private static void denseBiasGradients(NodeRewrite rewrite) throws Exception {
        for (int columns : new int[] {784, 37}) {
            int rows = 300;
            Graph g = new Graph(DType.FLOAT);
            Tensor dy = g.input("dy", DType.FLOAT, Shape.of(rows, columns));
            Tensor y = g.input("y", DType.FLOAT, Shape.of(rows, columns));
            Tensor dx = ReluGradient.apply(g, dy, y);
            g.output("dx", dx);
            g.output("db_relu", g.reduceSum(dx, false, 0));
            g.output("db_head", g.reduceSum(dy, false, 0));
            ModelProto rewritten = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(rewrite));
            assertEquals(0, rewritten.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("ReduceSum")).count(),
                    "no ReduceSum left");
            assertEquals(1, kernels(rewritten.getGraph(), "ReluGradBias"));
            assertEquals(1, kernels(rewritten.getGraph(), "ColumnSum"));
            assertEquals(0, kernels(rewritten.getGraph(), "ReluGrad"));
            Random random = new Random(columns);
            float[] dys = gaussians(random, (long) rows * columns, 1);
            float[] ys = gaussians(random, (long) rows * columns, 1);
            Map<String, long[]> shapes = Map.of("dy", new long[] {rows, columns}, "y", new long[] {rows, columns});
            Map<String, float[]> actual = run(rewritten, Map.of("dy", dys, "y", ys), shapes);
            for (int c = 0; c < columns; c++) {
                double relu = 0;
                double head = 0;
                double magnitude = 0;
                for (int r = 0; r < rows; r++) {
                    int i = r * columns + c;
                    relu += ys[i] > 0 ? dys[i] : 0;
                    head += dys[i];
                    magnitude += Math.abs(dys[i]);
                }
                assertEquals(relu, actual.get("db_relu")[c], 1e-6 * magnitude, "bias gradient through the ReLU, column " + c);
                assertEquals(head, actual.get("db_head")[c], 1e-6 * magnitude, "bias gradient, column " + c);
            }
            for (int i = 0; i < dys.length; i++) {
                assertEquals(dys[i] * (ys[i] > 0 ? 1f : 0f), actual.get("dx")[i], "dx " + i);
            }
        }
    }

    @Test
    void aConvBiasGradientWithoutAReluIsItsChannelSumOnTheKernel() throws Exception {
        // an image layer's bias gradient (one channel, 64x64 planes) and three channels whose planes of 35 end in a
        // tail of the 16 running sums; 9 and 10 images in the 8 fixed ranges
        assumeTrue(ENGINE.fusedKernels(), "no native kernels in this build");
        for (long[] shape : new long[][] {{9, 3, 5, 7}, {10, 1, 64, 64}}) {
            Graph g = new Graph(DType.FLOAT);
            Tensor dy = g.input("dy", DType.FLOAT, Shape.of(shape));
            g.output("db", g.reduceSum(dy, false, 0, 2, 3));
            ModelProto rewritten = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
            assertEquals(1, kernels(rewritten.getGraph(), "ChannelSum"));
            assertEquals(0, rewritten.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("ReduceSum")).count());
            int n = (int) shape[0];
            int c = (int) shape[1];
            int plane = (int) (shape[2] * shape[3]);
            float[] dys = gaussians(new Random(c), (long) n * c * plane, 1);
            float[] db = run(rewritten, Map.of("dy", dys), Map.of("dy", shape)).get("db");
            for (int ch = 0; ch < c; ch++) {
                double want = 0;
                double magnitude = 0;
                for (int img = 0; img < n; img++) {
                    for (int p = 0; p < plane; p++) {
                        want += dys[(img * c + ch) * plane + p];
                        magnitude += Math.abs(dys[(img * c + ch) * plane + p]);
                    }
                }
                assertEquals(want, db[ch], 1e-6 * magnitude, "channel " + ch + " of " + java.util.Arrays.toString(shape));
            }
        }
    }

    @Test
    void convWeightGradIsItsDefinitionToFloatRounding() throws Exception {
        // both lowerings (the GEMM from 16 channels on, the batch-axis Conv below) against the definition, and the kernel:
        // 24 filters (not a whole tile of 4 rows) of a stride-2 4x4 layer; a colour first layer with unequal strides
        // and dilation 2 (27 columns: no whole tile of 64); 288 columns (4 tiles and an edge); 9 images in 8 ranges;
        // a transposed conv's read, whose last taps run past its end
        weightGrad(3, 16, 8, 8, 24, new long[] {4, 4}, ConvGeometry.of(2, 1), 4, 4);
        weightGrad(2, 3, 12, 13, 8, new long[] {3, 3}, new ConvGeometry(new long[] {1, 2}, new long[] {2, 1, 2, 1},
                new long[] {2, 1}, new long[2]), 12, 7);
        weightGrad(1, 32, 7, 7, 64, new long[] {3, 3}, ConvGeometry.of(1, 1), 7, 7);
        weightGrad(9, 16, 14, 14, 32, new long[] {4, 4}, ConvGeometry.of(2, 1), 7, 7);
        weightGrad(2, 16, 14, 14, 4, new long[] {4, 4}, ConvGeometry.of(2, 0), 7, 7);
        // a first layer of one channel (16 columns: the narrow tile; its lowering is the batch-axis Conv), and 3
        weightGrad(4, 1, 16, 16, 32, new long[] {4, 4}, ConvGeometry.of(2, 1), 8, 8);
        weightGrad(2, 3, 9, 9, 20, new long[] {3, 3}, ConvGeometry.of(1, 1), 9, 9);
        // one channel, the columns read straight from the image: padded edges on both sides around two inner
        // positions; an image narrower than a kernel row (no inner position); 3x3 taps (no 4-tap rows); rows
        // two apart (dilation) with unequal strides and pads
        weightGrad(3, 1, 5, 6, 16, new long[] {4, 4}, ConvGeometry.of(2, 1), 2, 3);
        weightGrad(2, 1, 4, 3, 8, new long[] {4, 4}, ConvGeometry.of(1, 1), 3, 2);
        weightGrad(2, 1, 9, 9, 16, new long[] {3, 3}, ConvGeometry.of(1, 1), 9, 9);
        weightGrad(2, 1, 12, 13, 16, new long[] {4, 4}, new ConvGeometry(new long[] {1, 2}, new long[] {2, 1, 2, 1},
                new long[] {2, 1}, new long[2]), 10, 6);
    }

    private static void weightGrad(long batch, long channels, long h, long w, long filters, long[] kernel,
                                   ConvGeometry geo, long ho, long wo) throws Exception {
        for (long declared : new long[] {batch, Shape.BATCH}) {
            Graph g = new Graph(DType.FLOAT);
            Tensor x = g.input("x", DType.FLOAT, Shape.of(declared, channels, h, w));
            Tensor dy = g.input("dy", DType.FLOAT, Shape.of(declared, filters, ho, wo));
            g.output("dw", ConvWeightGradient.apply(g, x, dy, Shape.of(filters, channels, kernel[0], kernel[1]), geo));
            Random random = new Random(channels * h + w);
            float[] xs = gaussians(random, batch * channels * h * w, 1);
            float[] dys = gaussians(random, batch * filters * ho * wo, 1);
            Map<String, float[]> values = Map.of("x", xs, "dy", dys);
            Map<String, long[]> shapes = Map.of("x", new long[] {batch, channels, h, w}, "dy", new long[] {batch, filters, ho, wo});
            ModelProto lowered = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t"));
            ModelProto rewritten = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
            assertEquals(ENGINE.fusedKernels() ? 1 : 0, kernels(rewritten.getGraph(), "ConvWeightGrad"));
            float[] byLowering = run(lowered, values, shapes).get("dw");
            float[] byKernel = run(rewritten, values, shapes).get("dw");
            long taps = kernel[0] * kernel[1];
            assertEquals(filters * taps * channels, byKernel.length);
            // the definition in double, and the sum of the terms' magnitudes that float rounding scales with
            for (int o = 0; o < filters; o++) {
                for (int t = 0; t < taps; t++) {
                    for (int c = 0; c < channels; c++) {
                        double want = 0;
                        double magnitude = 0;
                        for (int n = 0; n < batch; n++) {
                            for (int p = 0; p < ho * wo; p++) {
                                long row = geo.stride(0) * (p / wo) + geo.dilation(0) * (t / kernel[1]) - geo.padBegin(0);
                                long col = geo.stride(1) * (p % wo) + geo.dilation(1) * (t % kernel[1]) - geo.padBegin(1);
                                if (row >= 0 && row < h && col >= 0 && col < w) {
                                    double term = (double) dys[(int) ((n * filters + o) * ho * wo + p)]
                                            * xs[(int) (((n * channels + c) * h + row) * w + col)];
                                    want += term;
                                    magnitude += Math.abs(term);
                                }
                            }
                        }
                        int at = (int) ((o * channels + c) * taps + t); // [O, R, kH, kW]
                        String where = "dw[" + o + ", tap " + t + ", channel " + c + "] of batch " + declared;
                        assertEquals(want, byLowering[at], 1e-5 * magnitude + 1e-6, where + " by the lowering");
                        assertEquals(want, byKernel[at], 1e-5 * magnitude + 1e-6, where + " by the kernel");
                    }
                }
            }
        }
    }

    @Test
    void aKernelRefusesTensorsOfDifferentSizes() throws Exception {
        assumeTrue(ENGINE.fusedKernels(), "no native kernels in this build");
        Graph g = new Graph(DType.FLOAT);
        Tensor dy = g.input("dy", DType.FLOAT, Shape.of(8));
        Tensor y = g.input("y", DType.FLOAT, Shape.of(Shape.BATCH));
        g.output("dx", ReluGradient.apply(g, dy, y));
        OrtException e = assertThrows(OrtException.class, () -> run(OnnxModelWriter.write(g,
                OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite())), Map.of("dy", new float[8], "y", new float[9])));
        assertTrue(e.getMessage().contains("ai.vaelab.ReluGrad: dy and y must have the same size"), e.getMessage());
    }

    @Test
    void aFloat64GraphKeepsItsLowerings() {
        Graph g = new Graph(DType.DOUBLE);
        Tensor dy = g.input("dy", DType.DOUBLE, Shape.of(4));
        g.output("dx", ReluGradient.apply(g, dy, g.input("y", DType.DOUBLE, Shape.of(4))));
        ModelProto model = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(new FusedKernels()));
        assertEquals(0, kernels(model.getGraph(), "ReluGrad"));
        assertEquals(1, model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Greater")).count());
    }

    @Test
    void aTrainingProgramRunsItsLoopBodysUpdateOnTheKernelsAndTrainsToTheSameLosses() {
        assumeTrue(ENGINE.fusedKernels(), "no native kernels in this build");
        // an MLP autoencoder step with ReLUs and Adam: the updates and the ReLU gradients live in the Loop body (no
        // bias: its gradient would be summed by a kernel in its own order, denseBiasGradientsAreTheirColumnSums...)
        TrainingProgram program = TrainingProgramBuilder.build(ctx -> {
            Graph g = ctx.graph();
            Tensor x = ctx.stepInput("x", DType.FLOAT, Shape.of(16, 24));
            Tensor w0 = ctx.parameters().parameter("w0", Shape.of(24, 32), Initializer.uniform(0.2));
            Tensor w1 = ctx.parameters().parameter("w1", Shape.of(32, 24), Initializer.uniform(0.2));
            Tensor h = g.relu(g.matmul(x, w0));
            Tensor err = g.sub(g.matmul(h, w1), x);
            return new TrainingProgramBuilder.StepOutputs(g.mul(g.sumAll(g.square(err)), 1.0 / 16), Map.of());
        }, new Adam(0.9, 0.999, 1e-8, 1e-4));
        ModelProto model = OnnxModelWriter.write(program.graph(), OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
        GraphProto body = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Loop")).findFirst()
                .orElseThrow().getAttributeList().stream().filter(a -> a.getName().equals("body")).findFirst().orElseThrow().getG();
        assertEquals(1, kernels(body, "AdamStep"), "one update for both parameters");
        assertEquals(2 * 4 + 4, body.getNodeList().stream().filter(n -> n.getOpType().equals("AdamStep")).findFirst()
                .orElseThrow().getInputCount(), "p, g, m and w of each parameter, and the step's four scalars");
        assertEquals(1, kernels(body, "ReluGrad"));
        float[] lowered = SwitchedTraining.losses(program, OrtEngine.FUSED_KERNELS_PROPERTY, "0", 16 * 24);
        float[] kernels = SwitchedTraining.losses(program, OrtEngine.FUSED_KERNELS_PROPERTY, "1", 16 * 24);
        assertTrue(lowered[lowered.length - 1] < lowered[0] * 0.5, "trains: " + java.util.Arrays.toString(lowered));
        assertArrayEquals(lowered, kernels, "the same losses, step by step");
    }

    /**
     * Runs {@code g} as written (standard ONNX) and with the engine's rewrite; asserts that the
     * rewritten model holds {@code kernel} (where this build has the kernels) and that both give the
     * same bits; returns the rewritten model's outputs.
     */
    private static Map<String, float[]> runBoth(Graph g, Map<String, float[]> values, String kernel) throws Exception {
        ModelProto lowered = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t"));
        ModelProto rewritten = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
        assertEquals(0, kernels(lowered.getGraph(), kernel));
        assertEquals(ENGINE.fusedKernels() ? 1 : 0, kernels(rewritten.getGraph(), kernel));
        Map<String, float[]> expected = run(lowered, values, Map.of());
        Map<String, float[]> actual = run(rewritten, values, Map.of());
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, want) -> assertArrayEquals(want, actual.get(name), name + ": kernel and lowering differ"));
        return actual;
    }

    private static long kernels(GraphProto graph, String kernel) {
        return graph.getNodeList().stream().filter(n -> n.getDomain().equals(FusedKernels.DOMAIN))
                .map(NodeProto::getOpType).filter(kernel::equals).count();
    }

    private static Map<String, float[]> run(ModelProto model, Map<String, float[]> values) throws OrtException {
        return run(model, values, Map.of());
    }

    /** Runs {@code model} on {@code values}, 1-D or scalars unless {@code shapes} gives their shape. */
    private static Map<String, float[]> run(ModelProto model, Map<String, float[]> values, Map<String, long[]> shapes)
            throws OrtException {
        List<OnnxTensor> tensors = new ArrayList<>();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, float[]> outputs = new LinkedHashMap<>();
        try (OrtSession session = ENGINE.session(model.toByteArray())) {
            for (var e : values.entrySet()) {
                boolean scalar = e.getValue().length == 1 && !e.getKey().matches("[pgmw]\\d*|dy|y");
                long[] shape = shapes.getOrDefault(e.getKey(), scalar ? new long[0] : new long[] {e.getValue().length});
                OnnxTensor t = ENGINE.tensor(e.getValue(), shape);
                tensors.add(t);
                inputs.put(e.getKey(), t);
            }
            try (OrtSession.Result result = ENGINE.run(session, inputs)) {
                for (var out : result) {
                    FloatBuffer buffer = ((OnnxTensor) out.getValue()).getFloatBuffer();
                    float[] copy = new float[buffer.remaining()];
                    buffer.get(copy);
                    outputs.put(out.getKey(), copy);
                }
            }
        } finally {
            tensors.forEach(OnnxTensor::close);
        }
        assertFalse(outputs.isEmpty());
        return outputs;
    }

    private static float[] gaussians(Random random, long n, float scale) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * (float) random.nextGaussian();
        }
        return v;
    }
}
