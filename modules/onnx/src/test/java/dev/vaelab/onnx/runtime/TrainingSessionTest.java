package dev.vaelab.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.Adam;
import dev.vaelab.onnx.optim.Initializer;
import dev.vaelab.onnx.optim.Optimizer;
import dev.vaelab.onnx.optim.Sgd;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Loop-based training program against an independent reference: linear least squares whose
 * gradient is written out by hand, with Adam and SGD implemented in plain double-precision Java
 * exactly as torch.optim documents them.
 */
class TrainingSessionTest {
    private static final int IN = 3;
    private static final int OUT = 2;
    private static final int BATCH = 4;
    static final int STEPS = 23;

    /** loss = mean over the batch of the squared error of x·W + b; the metric sum_b is read straight from b. */
    static TrainingProgramBuilder.StepOutputs leastSquares(TrainingProgramBuilder.StepContext ctx) {
        return leastSquares(ctx, false);
    }

    /** The same loss, its metric sum_b or, with {@code errorMetric}, sum_err (the errors' sum, on the loss's own path). */
    static TrainingProgramBuilder.StepOutputs leastSquares(TrainingProgramBuilder.StepContext ctx, boolean errorMetric) {
        Graph g = ctx.graph();
        Tensor x = ctx.stepInput("x", DType.FLOAT, Shape.of(BATCH, IN));
        Tensor y = ctx.stepInput("y", DType.FLOAT, Shape.of(BATCH, OUT));
        Tensor w = ctx.parameters().parameter("w", Shape.of(IN, OUT), Initializer.uniform(0.5));
        Tensor b = ctx.parameters().parameter("b", Shape.of(OUT), Initializer.uniform(0.5));
        Tensor err = g.sub(g.linear(x, w, b), y);
        Tensor loss = g.mul(g.sumAll(g.square(err)), 1.0 / BATCH);
        return new TrainingProgramBuilder.StepOutputs(loss, errorMetric ? Map.of("sum_err", g.sumAll(err))
                : Map.of("sum_b", g.sumAll(b)));
    }

    @Test
    void adamMatchesTorchSemanticsAcrossCallBoundaries() {
        Adam adam = new Adam(0.9, 0.999, 1e-8, 0.01);
        checkAgainstReference(adam, 5, new AdamReference(0.9, 0.999, 1e-8, 0.01));
        checkAgainstReference(adam, STEPS, new AdamReference(0.9, 0.999, 1e-8, 0.01));
    }

    @Test
    void sgdWithMomentumMatchesTorchSemantics() {
        checkAgainstReference(new Sgd(0.9, 0.0), 7, new SgdReference(0.9));
        checkAgainstReference(new Sgd(0.0, 0.0), 7, new SgdReference(0.0));
    }

    @Test
    void uint8StepInputsArriveAsTheirBytesPerStep() {
        // a parameter is needed for a program; the metric reads the step's bytes as floats / 255
        TrainingProgram program = TrainingProgramBuilder.build(ctx -> {
            Graph g = ctx.graph();
            Tensor pixels = g.div(g.cast(ctx.stepInput("x", DType.UINT8, Shape.of(2, 3)), DType.FLOAT), g.scalar(255));
            Tensor w = ctx.parameters().parameter("w", Shape.of(3), Initializer.uniform(0.5));
            Tensor loss = g.sumAll(g.mul(pixels, w));
            return new TrainingProgramBuilder.StepOutputs(loss, Map.of("pixels", g.sumAll(pixels)));
        }, new Sgd(0.0, 0.0));
        try (TrainingSession session = new TrainingSession(new OrtEngine(1, true), program, 4)) {
            session.initialize(new SplittableRandom(1));
            java.nio.ByteBuffer chunk = session.byteChunk("x");
            byte[][] steps = {{0, 1, 2, 3, 4, 5}, {(byte) 255, (byte) 255, 0, 0, 0, (byte) 128}, {9, 9, 9, 9, 9, 9}};
            for (byte[] step : steps) {
                chunk.put(step);
            }
            float[] pixels = session.run(3, new float[] {0.1f, 0.1f, 0.1f}).get("pixels");
            for (int s = 0; s < steps.length; s++) {
                float expected = 0;
                for (byte b : steps[s]) {
                    expected += (b & 0xff) / 255f;
                }
                assertEquals(expected, pixels[s], 1e-6f, "step " + s);
            }
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> session.chunk("x"));
            assertEquals("no float step input x; float inputs: []", e.getMessage());
        }
    }

    @Test
    void trainingReducesTheLossAndReportsMetricsPerStep() {
        TrainingProgram program = TrainingProgramBuilder.build(TrainingSessionTest::leastSquares, Adam.pytorchDefaults());
        OrtEngine engine = new OrtEngine(1, true);
        Data data = new Data(400, 7);
        try (TrainingSession session = new TrainingSession(engine, program, 50)) {
            session.initialize(new SplittableRandom(3));
            float first = Float.NaN;
            float last = Float.NaN;
            for (int call = 0; call < 8; call++) {
                data.fill(session, call * 50, 50);
                float[] lr = new float[50];
                java.util.Arrays.fill(lr, 0.05f);
                Map<String, float[]> metrics = session.run(50, lr);
                assertEquals(50, metrics.get("loss").length);
                assertEquals(50, metrics.get("sum_b").length);
                if (call == 0) {
                    first = metrics.get("loss")[0];
                }
                last = metrics.get("loss")[49];
            }
            assertEquals(400, session.updates());
            // the targets are an exact linear map: the loss must fall by orders of magnitude
            assertTrue(last < first * 1e-3, "loss went from " + first + " to " + last);
        }
    }

    private static void checkAgainstReference(Optimizer optimizer, int stepsPerCall, Reference reference) {
        TrainingProgram program = TrainingProgramBuilder.build(TrainingSessionTest::leastSquares, optimizer);
        OrtEngine engine = new OrtEngine(1, false);
        Data data = new Data(STEPS, 11);
        try (TrainingSession session = new TrainingSession(engine, program, stepsPerCall)) {
            session.initialize(new SplittableRandom(5));
            Map<String, float[]> init = session.snapshot();
            double[] w = toDouble(init.get("w"));
            double[] b = toDouble(init.get("b"));
            reference.init(w.length + b.length);
            float[] lr = new float[stepsPerCall];
            for (int done = 0; done < STEPS; ) {
                int steps = Math.min(stepsPerCall, STEPS - done);
                data.fill(session, done, steps);
                for (int i = 0; i < steps; i++) {
                    lr[i] = 0.01f * (1 + (done + i) % 3); // a varying learning rate, as schedules give
                }
                Map<String, float[]> metrics = session.run(steps, lr);
                for (int i = 0; i < steps; i++) {
                    double loss = reference.step(data, done + i, w, b, lr[i]);
                    assertEquals(loss, metrics.get("loss")[i], 1e-4 * Math.max(1, loss), "loss at step " + (done + i));
                }
                done += steps;
            }
            Map<String, float[]> finalValues = session.snapshot();
            assertArrayEquals(toFloat(w), finalValues.get("w"), 2e-5f);
            assertArrayEquals(toFloat(b), finalValues.get("b"), 2e-5f);
        }
    }

    /** Fixed random regression data, one batch per step. */
    static final class Data {
        final float[][] x;
        final float[][] y;

        Data(int steps, long seed) {
            Random r = new Random(seed);
            float[] trueW = {0.5f, -1f, 2f, 0.3f, -0.7f, 1.1f};
            x = new float[steps][BATCH * IN];
            y = new float[steps][BATCH * OUT];
            for (int s = 0; s < steps; s++) {
                for (int i = 0; i < x[s].length; i++) {
                    x[s][i] = (float) r.nextGaussian();
                }
                for (int n = 0; n < BATCH; n++) {
                    for (int o = 0; o < OUT; o++) {
                        float v = 0.25f;
                        for (int k = 0; k < IN; k++) {
                            v += x[s][n * IN + k] * trueW[k * OUT + o];
                        }
                        y[s][n * OUT + o] = v;
                    }
                }
            }
        }

        void fill(TrainingSession session, int start, int steps) {
            FloatBuffer xb = session.chunk("x");
            FloatBuffer yb = session.chunk("y");
            for (int s = start; s < start + steps; s++) {
                xb.put(x[s]);
                yb.put(y[s]);
            }
        }
    }

    /** The same loss and hand-written gradient in double precision, with a reference optimizer. */
    abstract static class Reference {
        abstract void init(int size);

        abstract void update(double[] params, double[] grads, double lr);

        double step(Data d, int s, double[] w, double[] b, double lr) {
            double[] gw = new double[w.length];
            double[] gb = new double[b.length];
            double loss = 0;
            for (int n = 0; n < BATCH; n++) {
                for (int o = 0; o < OUT; o++) {
                    double pred = b[o];
                    for (int k = 0; k < IN; k++) {
                        pred += d.x[s][n * IN + k] * w[k * OUT + o];
                    }
                    double err = pred - d.y[s][n * OUT + o];
                    loss += err * err / BATCH;
                    double dpred = 2 * err / BATCH;
                    gb[o] += dpred;
                    for (int k = 0; k < IN; k++) {
                        gw[k * OUT + o] += d.x[s][n * IN + k] * dpred;
                    }
                }
            }
            double[] params = new double[w.length + b.length];
            double[] grads = new double[params.length];
            System.arraycopy(w, 0, params, 0, w.length);
            System.arraycopy(b, 0, params, w.length, b.length);
            System.arraycopy(gw, 0, grads, 0, w.length);
            System.arraycopy(gb, 0, grads, w.length, b.length);
            update(params, grads, lr);
            System.arraycopy(params, 0, w, 0, w.length);
            System.arraycopy(params, w.length, b, 0, b.length);
            return loss;
        }
    }

    /** torch.optim.Adam, written from its documented algorithm. */
    static final class AdamReference extends Reference {
        private final double beta1;
        private final double beta2;
        private final double eps;
        private final double weightDecay;
        private double[] m;
        private double[] v;
        private int t;

        AdamReference(double beta1, double beta2, double eps, double weightDecay) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
        }

        @Override
        void init(int size) {
            m = new double[size];
            v = new double[size];
            t = 0;
        }

        @Override
        void update(double[] p, double[] g, double lr) {
            t++;
            for (int i = 0; i < p.length; i++) {
                double gi = g[i] + weightDecay * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * gi;
                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = v[i] / (1 - Math.pow(beta2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    /** torch.optim.SGD with momentum, dampening 0. */
    static final class SgdReference extends Reference {
        private final double momentum;
        private double[] buf;
        private boolean first;

        SgdReference(double momentum) {
            this.momentum = momentum;
        }

        @Override
        void init(int size) {
            buf = new double[size];
            first = true;
        }

        @Override
        void update(double[] p, double[] g, double lr) {
            for (int i = 0; i < p.length; i++) {
                buf[i] = first ? g[i] : momentum * buf[i] + g[i];
                p[i] -= lr * (momentum == 0 ? g[i] : buf[i]);
            }
            first = false;
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
