package dev.vaelab.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.heads.Float64.In;
import dev.vaelab.heads.Float64.Moments;
import dev.vaelab.onnx.autodiff.Autodiff;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The Gaussian and Laplace heads in every scale mode against their closed forms computed here in
 * double precision: log-densities at pixels 0 and 1, tiny and huge scales, the floor of learned
 * scales; the densities integrate to 1; the outputs; the samplers' first two moments; gradients
 * against finite differences.
 */
class LocationScaleHeadTest {
    private static final int N = 2;
    private static final int D = 3;
    private static final double[] X = {0, 1, 0.5, 0.25, 1, 0};
    private static final double[] MU = {0, 1, 0.3, -2, 3.5, 1e-3};
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    /** The closed form per pixel, given x, the location and the scale. */
    interface Reference {
        double logDensity(double x, double mu, double s);
    }

    private static final Reference GAUSSIAN = (x, mu, s) -> -HALF_LOG_TWO_PI - Math.log(s) - (x - mu) * (x - mu) / (2 * s * s);
    private static final Reference LAPLACE = (x, mu, s) -> -Math.log(2 * s) - Math.abs(x - mu) / s;

    private static LocationScaleHead head(String type, Scale scale) {
        return type.equals("gaussian") ? new GaussianHead(scale) : new LaplaceHead(scale);
    }

    private static Reference reference(String type) {
        return type.equals("gaussian") ? GAUSSIAN : LAPLACE;
    }

    /** The graph of log p, mean, loc and log_scale for decoder output [N, D·k] and x [N, D]. */
    private static Map<String, double[]> evaluate(LocationScaleHead head, double[] out, double[] logScaleParam) {
        Graph g = new Graph(DType.DOUBLE);
        int k = head.outputsPerPixel();
        Tensor o = g.input("out", DType.DOUBLE, Shape.of(Shape.BATCH, (long) D * k));
        Tensor x = g.input("x", DType.DOUBLE, Shape.of(Shape.BATCH, D));
        GraphInputParameters params = new GraphInputParameters(g, "");
        g.output("ll", head.logLikelihood(g, params, o, x));
        head.outputs(g, params, o).forEach(g::output);
        Map<String, In> feeds = new HashMap<>(Map.of("out", new In(out, N, (long) D * k), "x", new In(X, N, D)));
        if (logScaleParam != null) {
            feeds.put(Scale.PARAMETER, new In(logScaleParam, logScaleParam.length));
        }
        return Float64.run(g, feeds);
    }

    private static void assertMatches(String type, Map<String, double[]> got, double[] scales, String what) {
        Reference ref = reference(type);
        for (int n = 0; n < N; n++) {
            double expected = 0;
            for (int d = 0; d < D; d++) {
                int i = n * D + d;
                expected += ref.logDensity(X[i], MU[i], scales[i]);
                assertEquals(MU[i], got.get("mean")[i], 0.0, what + ": mean");
                assertEquals(MU[i], got.get("loc")[i], 0.0, what + ": loc");
                assertEquals(Math.log(scales[i]), got.get("log_scale")[i], 1e-13 * Math.max(1, Math.abs(Math.log(scales[i]))),
                        what + ": log_scale of pixel " + i);
            }
            assertEquals(expected, got.get("ll")[n], 1e-12 * Math.max(1, Math.abs(expected)), what + ": example " + n);
        }
    }

    @Test
    void fixedScalesTinyToHugeMatchTheClosedForm() {
        for (String type : List.of("gaussian", "laplace")) {
            for (double s : new double[] {1e-6, 1e-3, 0.5, 1, 1e4, 1e9}) {
                Map<String, double[]> got = evaluate(head(type, new Scale(Scale.Mode.FIXED, s, Double.NaN)), MU, null);
                double[] scales = new double[N * D];
                java.util.Arrays.fill(scales, s);
                assertMatches(type, got, scales, type + " fixed " + s);
            }
        }
    }

    @Test
    void aLearnedSharedScaleIsTheFloorPlusExpOfItsParameterFromTinyToHuge() {
        for (String type : List.of("gaussian", "laplace")) {
            for (double min : new double[] {1e-6, 1e-3}) {
                for (double raw : new double[] {-80, -5, 0, 2, 30}) {
                    Map<String, double[]> got = evaluate(head(type, new Scale(Scale.Mode.LEARNED, Double.NaN, min)),
                            MU, new double[] {raw});
                    double[] scales = new double[N * D];
                    java.util.Arrays.fill(scales, min + Math.exp(raw));
                    assertMatches(type, got, scales, type + " learned raw " + raw + " min " + min);
                }
            }
        }
    }

    @Test
    void aLearnedPerPixelScaleHasOneParameterPerPixel() {
        double[] raw = {-80, 0, 4};
        for (String type : List.of("gaussian", "laplace")) {
            Map<String, double[]> got = evaluate(head(type, new Scale(Scale.Mode.LEARNED_PER_PIXEL, Double.NaN, 1e-3)),
                    MU, raw);
            double[] scales = new double[N * D];
            for (int i = 0; i < scales.length; i++) {
                scales[i] = 1e-3 + Math.exp(raw[i % D]);
            }
            assertMatches(type, got, scales, type + " per pixel");
        }
    }

    @Test
    void aPredictedScaleIsTheDecodersSecondBlock() {
        double[] raw = {-80, -3, 0, 1, 10, 50};
        double[] out = new double[N * 2 * D];
        double[] scales = new double[N * D];
        for (int n = 0; n < N; n++) {
            for (int d = 0; d < D; d++) {
                out[n * 2 * D + d] = MU[n * D + d];
                out[n * 2 * D + D + d] = raw[n * D + d];
                scales[n * D + d] = 1e-3 + Math.exp(raw[n * D + d]);
            }
        }
        for (String type : List.of("gaussian", "laplace")) {
            LocationScaleHead head = head(type, new Scale(Scale.Mode.PREDICTED, Double.NaN, 1e-3));
            assertEquals(2, head.outputsPerPixel());
            assertMatches(type, evaluate(head, out, null), scales, type + " predicted");
        }
    }

    @Test
    void theDensitiesIntegrateToOne() {
        double mu = 0.2;
        double s = 0.3;
        for (String type : List.of("gaussian", "laplace")) {
            // a grid centred on mu, so Laplace's kink falls between Simpson panels
            int intervals = 8000;
            double half = type.equals("gaussian") ? 12 * s : 40 * s;
            double[] grid = new double[intervals + 1];
            for (int i = 0; i <= intervals; i++) {
                grid[i] = mu - half + 2 * half * i / intervals;
            }
            Graph g = new Graph(DType.DOUBLE);
            Tensor o = g.input("out", DType.DOUBLE, Shape.of(Shape.BATCH, 1));
            Tensor x = g.input("x", DType.DOUBLE, Shape.of(Shape.BATCH, 1));
            LocationScaleHead head = head(type, new Scale(Scale.Mode.FIXED, s, Double.NaN));
            g.output("ll", head.logLikelihood(g, new GraphInputParameters(g, ""), o, x));
            double[] locs = new double[grid.length];
            java.util.Arrays.fill(locs, mu);
            double[] ll = Float64.run(g, Map.of("out", new In(locs, grid.length, 1), "x", new In(grid, grid.length, 1))).get("ll");
            double h = 2 * half / intervals;
            double integral = Float64.simpson(t -> Math.exp(ll[(int) Math.round((t - (mu - half)) / h)]), mu - half, mu + half,
                    intervals);
            assertEquals(1.0, integral, 1e-9, type + " density integrates to");
        }
    }

    @Test
    void samplersHaveTheFirstTwoMoments() {
        int draws = 40_000;
        double[] loc = {0.2, -1, 3};
        double[] raw = {Math.log(0.5), 0, Math.log(2)};
        for (String type : List.of("gaussian", "laplace")) {
            LocationScaleHead head = head(type, new Scale(Scale.Mode.LEARNED_PER_PIXEL, Double.NaN, 1e-6));
            Graph g = new Graph(DType.DOUBLE);
            Tensor o = g.input("out", DType.DOUBLE, Shape.of(1, D));
            Tensor u = g.input("u", DType.DOUBLE, Shape.of(Shape.BATCH, D));
            Tensor e = g.input("e", DType.DOUBLE, Shape.of(Shape.BATCH, D));
            g.output("x", head.sample(g, new GraphInputParameters(g, ""), o, new SampleNoise(u, e)));
            SplittableRandom random = new SplittableRandom(11);
            double[] samples = Float64.run(g, Map.of("out", new In(loc, 1, D), Scale.PARAMETER, new In(raw, D),
                    "u", new In(Float64.uniforms(random, draws * D), draws, D),
                    "e", new In(Float64.normals(random, draws * D), draws, D))).get("x");
            for (int d = 0; d < D; d++) {
                double s = 1e-6 + Math.exp(raw[d]);
                double variance = type.equals("gaussian") ? s * s : 2 * s * s;
                Moments m = Moments.ofColumn(samples, D, d);
                assertEquals(loc[d], m.mean(), m.meanTolerance(variance, draws), type + " sample mean of pixel " + d);
                assertEquals(variance, m.variance(), m.varianceTolerance(variance, draws), type + " sample variance of pixel " + d);
            }
        }
    }

    @Test
    void gradientsOfTheLogLikelihoodMatchFiniteDifferences() {
        for (String type : List.of("gaussian", "laplace")) {
            for (Scale.Mode mode : Scale.Mode.values()) {
                LocationScaleHead head = head(type, new Scale(mode, mode == Scale.Mode.FIXED ? 0.4 : Double.NaN,
                        mode == Scale.Mode.FIXED ? Double.NaN : 1e-3));
                int k = head.outputsPerPixel();
                Graph g = new Graph(DType.DOUBLE);
                Tensor o = g.input("out", DType.DOUBLE, Shape.of(N, (long) D * k));
                Tensor x = g.input("x", DType.DOUBLE, Shape.of(N, D));
                GraphInputParameters params = new GraphInputParameters(g, "");
                Tensor loss = g.sumAll(head.logLikelihood(g, params, o, x));
                List<Tensor> wrt = new ArrayList<>(List.of(o));
                wrt.addAll(params.tensors());
                Map<Tensor, Tensor> grads = Autodiff.gradients(g, loss, wrt);
                g.output("loss", loss);
                for (int i = 0; i < wrt.size(); i++) {
                    g.output("grad" + i, grads.get(wrt.get(i)));
                }
                SplittableRandom random = new SplittableRandom(3);
                double[] out = random.doubles((long) N * D * k, -1.5, 1.5).toArray();
                Map<String, In> feeds = new HashMap<>(Map.of("out", new In(out, N, (long) D * k), "x", new In(X, N, D)));
                params.specs().forEach(p -> feeds.put(p.name(), new In(random.doubles(p.size(), -1, 1).toArray(),
                        p.shape().dims())));
                try (Float64.Session s = new Float64.Session(g)) {
                    Map<String, double[]> got = s.run(feeds);
                    List<String> names = new ArrayList<>(List.of("out"));
                    params.specs().forEach(p -> names.add(p.name()));
                    for (int i = 0; i < names.size(); i++) {
                        double[] numeric = Float64.finiteDifferences(s, feeds, names.get(i), "loss", 1e-6);
                        double[] analytic = got.get("grad" + i);
                        for (int j = 0; j < numeric.length; j++) {
                            assertEquals(numeric[j], analytic[j], 1e-6 * Math.max(1, Math.abs(numeric[j])),
                                    type + " " + mode + ": d loss / d " + names.get(i) + "[" + j + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void noScaleProducesANonFiniteValueForAnyParameter() {
        // the floor keeps log s finite and the residual bounded however far the raw value goes
        Function<Double, Double> ll = raw -> evaluate(head("gaussian", new Scale(Scale.Mode.LEARNED, Double.NaN, 1e-3)),
                MU, new double[] {raw}).get("ll")[0];
        for (double raw : new double[] {-1e4, -700, 700, 1e4}) {
            assertTrue(Double.isFinite(ll.apply(raw)), "log p at raw scale " + raw + ": " + ll.apply(raw));
        }
    }
}
