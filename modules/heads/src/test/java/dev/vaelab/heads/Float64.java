package dev.vaelab.heads;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import java.nio.DoubleBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Runs float64 graphs in ONNX Runtime for the heads' tests, and the references' numerics. */
final class Float64 {
    private Float64() {
    }

    /** A fed value and its concrete shape. */
    record In(double[] values, long... shape) {
    }

    /** Runs {@code g} once on the feeds and returns every graph output as doubles. */
    static Map<String, double[]> run(Graph g, Map<String, In> feeds) {
        try (Session s = new Session(g)) {
            return s.run(feeds);
        }
    }

    /** One ORT session of a float64 graph, for repeated runs (finite differences). */
    static final class Session implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;

        Session(Graph g) {
            try {
                session = env.createSession(OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("t")),
                        new OrtSession.SessionOptions());
            } catch (OrtException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        }

        Map<String, double[]> run(Map<String, In> feeds) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                for (var e : feeds.entrySet()) {
                    inputs.put(e.getKey(), OnnxTensor.createTensor(env, DoubleBuffer.wrap(e.getValue().values()),
                            e.getValue().shape()));
                }
                Map<String, double[]> out = new LinkedHashMap<>();
                try (OrtSession.Result r = session.run(inputs)) {
                    for (var e : r) {
                        DoubleBuffer b = ((OnnxTensor) e.getValue()).getDoubleBuffer();
                        double[] d = new double[b.remaining()];
                        b.get(d);
                        out.put(e.getKey(), d);
                    }
                }
                return out;
            } catch (OrtException e) {
                throw new AssertionError(e.getMessage(), e);
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        }
    }

    /**
     * Central differences of the scalar output {@code loss} with respect to every element of the
     * feed {@code input}, step {@code h}.
     */
    static double[] finiteDifferences(Session s, Map<String, In> feeds, String input, String loss, double h) {
        Map<String, In> work = new HashMap<>(feeds);
        double[] values = feeds.get(input).values().clone();
        double[] out = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            double saved = values[k];
            values[k] = saved + h;
            work.put(input, new In(values.clone(), feeds.get(input).shape()));
            double up = s.run(work).get(loss)[0];
            values[k] = saved - h;
            work.put(input, new In(values.clone(), feeds.get(input).shape()));
            double down = s.run(work).get(loss)[0];
            values[k] = saved;
            out[k] = (up - down) / (2 * h);
        }
        return out;
    }

    /** Composite Simpson's rule over [a, b] with {@code intervals} (even) intervals. */
    static double simpson(java.util.function.DoubleUnaryOperator f, double a, double b, int intervals) {
        double h = (b - a) / intervals;
        double sum = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < intervals; i++) {
            sum += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
        }
        return sum * h / 3;
    }

    /** Standard normal draws (Box-Muller), double precision. */
    static double[] normals(SplittableRandom random, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i += 2) {
            double r = Math.sqrt(-2 * Math.log(1 - random.nextDouble()));
            double t = 2 * Math.PI * random.nextDouble();
            out[i] = r * Math.cos(t);
            if (i + 1 < n) {
                out[i + 1] = r * Math.sin(t);
            }
        }
        return out;
    }

    /** Uniform draws strictly inside (0, 1), as the training code draws them. */
    static double[] uniforms(SplittableRandom random, int n) {
        double[] out = new double[n];
        SampleNoise.fillUniform(random, out);
        return out;
    }

    /** Sample mean and variance of column {@code d} of an [n, width] row-major array. */
    record Moments(double mean, double variance, double fourth) {
        static Moments ofColumn(double[] rows, int width, int d) {
            int n = rows.length / width;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += rows[i * width + d];
            }
            double mean = sum / n;
            double m2 = 0;
            double m4 = 0;
            for (int i = 0; i < n; i++) {
                double c = rows[i * width + d] - mean;
                m2 += c * c;
                m4 += c * c * c * c;
            }
            return new Moments(mean, m2 / (n - 1), m4 / n);
        }

        /** Five standard errors of the mean, given the true variance. */
        double meanTolerance(double trueVariance, int n) {
            return 5 * Math.sqrt(trueVariance / n) + 1e-12;
        }

        /** Five standard errors of the variance, from the true fourth central moment. */
        static double varianceTolerance(double trueVariance, double trueFourth, int n) {
            return 5 * Math.sqrt(Math.max(trueFourth - trueVariance * trueVariance, 0) / n) + 1e-12;
        }

        /** Five standard errors of the variance, from the sample's fourth central moment. */
        double varianceTolerance(double trueVariance, int n) {
            return 5 * Math.sqrt(Math.max(fourth - trueVariance * trueVariance, 0) / n) + 1e-12;
        }
    }
}
