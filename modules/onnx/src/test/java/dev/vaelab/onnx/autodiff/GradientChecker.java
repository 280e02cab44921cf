package dev.vaelab.onnx.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * The engine's finite-difference harness, for every module that writes a gradient rule (the
 * engine's own, and {@link dev.vaelab.onnx.graph.FusedOperator}s of other modules): for an operator
 * f, the loss {@code sum(f(x...) * r)} with a fixed random r is differentiated by {@link Autodiff}
 * and the result compared with central differences of the same graph run in ONNX Runtime, in
 * float64 (float32 where ORT has no float64 kernel).
 */
public final class GradientChecker {
    private static final double H = 1e-6;
    private static final double TOLERANCE = 1e-6;
    private static final Set<String> CHECKED = new LinkedHashSet<>();

    private GradientChecker() {
    }

    /** One operand: its declared shape (may hold the batch axis), concrete shape and value range. */
    public record Operand(Shape declared, long[] concrete, double lo, double hi) {
        public static Operand of(double lo, double hi, long... dims) {
            return new Operand(Shape.of(dims), dims, lo, hi);
        }

        public static Operand batched(long batch, double lo, double hi, long... rest) {
            long[] declared = new long[rest.length + 1];
            declared[0] = Shape.BATCH;
            System.arraycopy(rest, 0, declared, 1, rest.length);
            long[] concrete = declared.clone();
            concrete[0] = batch;
            return new Operand(Shape.of(declared), concrete, lo, hi);
        }
    }

    /** The operators checked so far in this JVM, including those a composed check passed through. */
    public static Set<String> checked() {
        return Set.copyOf(CHECKED);
    }

    /** Operands of the graph under construction. */
    public record Ops(Graph g, List<Tensor> xs) {
        public Tensor x(int i) {
            return xs.get(i);
        }
    }

    public static void check(String op, Function<Ops, Tensor> f, Operand... operands) {
        check(op, f, operands[0], false, operands);
    }

    public static void check(String op, Function<Ops, Tensor> f, Operand single, boolean signAware) {
        // inputs of kinks (Relu, Abs, ...) are drawn with a random sign, at least lo away from 0
        check(op, f, single, signAware, single);
    }

    private static void check(String op, Function<Ops, Tensor> f, Operand first, boolean signAware, Operand... operands) {
        Random random = new Random(op.hashCode());
        List<double[]> values = new ArrayList<>();
        for (Operand o : operands) {
            double[] v = random.doubles(count(o.concrete()), o.lo(), o.hi()).toArray();
            if (signAware) {
                for (int k = 0; k < v.length; k++) {
                    v[k] = random.nextBoolean() ? v[k] : -v[k];
                }
            }
            values.add(v);
        }
        try {
            checkIn(DType.DOUBLE, op, f, operands, values, random);
        } catch (NotImplementedInDouble e) {
            // ORT has no float64 kernel for this operator (e.g. Elu): check it in float32 instead
            checkIn(DType.FLOAT, op, f, operands, values, random);
        }
    }

    /** ORT could not run the graph in float64. */
    static final class NotImplementedInDouble extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static void checkIn(DType type, String op, Function<Ops, Tensor> f, Operand[] operands,
                                List<double[]> values, Random random) {
        boolean dbl = type == DType.DOUBLE;
        double h = dbl ? H : 1e-2;
        double tolerance = dbl ? TOLERANCE : 2e-3;
        Graph g = new Graph(type);
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < operands.length; i++) {
            xs.add(g.input("x" + i, type, operands[i].declared()));
        }
        Tensor y = f.apply(new Ops(g, xs));
        long batch = 1;
        for (Operand o : operands) {
            if (o.declared().rank() > 0 && o.declared().dim(0) == Shape.BATCH) {
                batch = o.concrete()[0];
            }
        }
        long[] yShape = y.shape().concrete(batch, 0);
        Tensor weights = g.input("r", type, y.shape());
        Tensor loss = g.sumAll(g.mul(y, weights));
        Map<Tensor, Tensor> grads = Autodiff.gradients(g, loss, xs);
        g.output("loss", loss);
        for (int i = 0; i < xs.size(); i++) {
            g.output("grad" + i, grads.get(xs.get(i)));
        }
        Operand[] all = java.util.Arrays.copyOf(operands, operands.length + 1);
        all[operands.length] = new Operand(y.shape(), yShape, -1, 1);
        List<double[]> allValues = new ArrayList<>(values.stream().map(double[]::clone).toList());
        allValues.add(random.doubles(count(yShape), -1, 1).toArray());
        OrtSession session;
        try {
            session = OrtEnvironment.getEnvironment().createSession(
                    OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("check")), new OrtSession.SessionOptions());
        } catch (OrtException e) {
            if (dbl && e.getMessage().contains("NOT_IMPLEMENTED")) {
                throw new NotImplementedInDouble();
            }
            throw new AssertionError(op + ": " + e.getMessage(), e);
        }
        try (session) {
            Map<String, double[]> analytic = run(session, type, all, allValues);
            for (int i = 0; i < operands.length; i++) {
                double[] grad = analytic.get("grad" + i);
                assertEquals(allValues.get(i).length, grad.length, op + ": gradient " + i + " has the wrong size");
                for (int k = 0; k < grad.length; k++) {
                    double saved = allValues.get(i)[k];
                    allValues.get(i)[k] = saved + h;
                    double up = run(session, type, all, allValues).get("loss")[0];
                    allValues.get(i)[k] = saved - h;
                    double down = run(session, type, all, allValues).get("loss")[0];
                    allValues.get(i)[k] = saved;
                    double numeric = (up - down) / (2 * h);
                    double err = Math.abs(numeric - grad[k]) / Math.max(1.0, Math.abs(numeric));
                    assertTrue(err < tolerance, String.format("%s (%s): d loss / d x%d[%d]: autodiff %.9g, finite difference %.9g",
                            op, type, i, k, grad[k], numeric));
                }
            }
        } catch (OrtException e) {
            throw new AssertionError(op + ": " + e.getMessage(), e);
        }
        CHECKED.add(op);
        // a composed check also covers every rule it passes through
        for (var node : g.nodes()) {
            boolean hasRule = GradientRules.forOp(node.opType()).isPresent() || g.fusedOperator(node.opType()).isPresent();
            if (hasRule && !node.opType().equals("Where")) {
                CHECKED.add(node.opType());
            }
        }
    }

    private static Map<String, double[]> run(OrtSession session, DType type, Operand[] operands, List<double[]> values)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (int i = 0; i < operands.length; i++) {
                String name = i == operands.length - 1 ? "r" : "x" + i;
                double[] v = values.get(i);
                if (type == DType.DOUBLE) {
                    inputs.put(name, OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), operands[i].concrete()));
                } else {
                    float[] fv = new float[v.length];
                    for (int k = 0; k < v.length; k++) {
                        fv[k] = (float) v[k];
                    }
                    inputs.put(name, OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(fv), operands[i].concrete()));
                }
            }
            Map<String, double[]> out = new HashMap<>();
            try (OrtSession.Result result = session.run(inputs)) {
                for (var e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    double[] d;
                    if (type == DType.DOUBLE) {
                        DoubleBuffer b = t.getDoubleBuffer();
                        d = new double[b.remaining()];
                        b.get(d);
                    } else {
                        java.nio.FloatBuffer b = t.getFloatBuffer();
                        d = new double[b.remaining()];
                        for (int k = 0; k < d.length; k++) {
                            d[k] = b.get(k);
                        }
                    }
                    out.put(e.getKey(), d);
                }
            }
            return out;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static int count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }
}
