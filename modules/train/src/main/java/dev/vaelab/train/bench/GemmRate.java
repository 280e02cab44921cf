package dev.vaelab.train.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.runtime.OrtEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ONNX Runtime's own sgemm rate (MLAS) on given GEMM shapes: the second half of the FLOP floor in
 * {@code bench/flops_floor.py}. The floor is the workload's GEMM FLOPs at the fastest rate this
 * machine reaches on those shapes; OpenBLAS (through numpy) is one GEMM, the kernels vaelab itself
 * runs are another, and a floor measured with the slower one would not be a floor.
 *
 * <p>Each shape is one {@code Gemm} node with the shape's transpositions, run in a session with the
 * engine's settings (threads, no spinning unless asked), timed as the median of repeats of enough
 * calls to last 20 ms. Prints one JSON object on stdout.
 *
 * <pre>
 * java -cp modules/cli/target/vaelab-cli.jar dev.vaelab.train.bench.GemmRate --threads 2 --repeats 9 \
 *     --shapes 128x784x400:NT,400x128x784:TN
 * </pre>
 * A shape is {@code MxKxN} for an (M×K)·(K×N) product, with {@code :AB} saying which operand is
 * stored transposed ({@code N} no, {@code T} yes; default {@code NN}).
 */
public final class GemmRate {
    private static final double MIN_REPEAT_SECONDS = 0.02;

    private GemmRate() {
    }

    /** One product: (m×k)·(k×n), each operand possibly stored transposed. */
    record GemmShape(long m, long k, long n, boolean transA, boolean transB) {
        static GemmShape parse(String text) {
            String[] parts = text.trim().split(":");
            String[] dims = parts[0].split("x");
            String layout = parts.length > 1 ? parts[1] : "NN";
            if (parts.length > 2 || dims.length != 3 || !layout.matches("[NT]{2}")) {
                throw new IllegalArgumentException("a shape is MxKxN[:NN|NT|TN|TT], got '" + text + "'");
            }
            long[] d = new long[3];
            for (int i = 0; i < 3; i++) {
                try {
                    d[i] = Long.parseLong(dims[i]);
                } catch (NumberFormatException e) {
                    d[i] = 0;
                }
                if (d[i] < 1 || d[i] > 1 << 20) {
                    throw new IllegalArgumentException("a shape's sizes are whole numbers in [1, 2^20], got '" + text + "'");
                }
            }
            if (d[0] * d[1] + d[1] * d[2] + d[0] * d[2] > 1L << 28) {
                throw new IllegalArgumentException("shape " + text + " needs more than 1 GiB of operands");
            }
            return new GemmShape(d[0], d[1], d[2], layout.charAt(0) == 'T', layout.charAt(1) == 'T');
        }

        double flops() {
            return 2.0 * m * k * n;
        }

        long[] aDims() {
            return transA ? new long[] {k, m} : new long[] {m, k};
        }

        long[] bDims() {
            return transB ? new long[] {n, k} : new long[] {k, n};
        }

        byte[] model() {
            Graph g = new Graph(DType.FLOAT);
            var a = g.input("a", DType.FLOAT, Shape.of(aDims()));
            var b = g.input("b", DType.FLOAT, Shape.of(bDims()));
            g.output("c", g.gemm(a, b, null, transA, transB, 1.0, 0.0));
            return OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("gemm_rate"));
        }

        @Override
        public String toString() {
            return m + "x" + k + "x" + n + ":" + (transA ? "T" : "N") + (transB ? "T" : "N");
        }
    }

    public static void main(String[] argv) {
        try {
            Map<String, String> args = BenchArgs.parse(argv, List.of("shapes", "threads", "repeats"), List.of("shapes"));
            int threads = BenchArgs.number(args, "threads", 2, 1);
            int repeats = BenchArgs.number(args, "repeats", 9, 1);
            List<GemmShape> shapes = new ArrayList<>();
            for (String s : args.get("shapes").split(",")) {
                shapes.add(GemmShape.parse(s));
            }
            OrtEngine engine = new OrtEngine(threads, true);
            StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                    "{\"event\": \"gemm_rate\", \"threads\": %d, \"repeats\": %d, \"shapes\": [", engine.threads(), repeats));
            for (int i = 0; i < shapes.size(); i++) {
                GemmShape shape = shapes.get(i);
                double seconds = medianSeconds(engine, shape, repeats);
                json.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT,
                        "{\"shape\": \"%s\", \"seconds\": %.9f, \"gflops\": %.3f}", shape, seconds, shape.flops() / seconds / 1e9));
            }
            System.out.println(json.append("]}"));
        } catch (IllegalArgumentException | VaelabException e) {
            System.err.println("GemmRate: " + e.getMessage());
            System.exit(2);
        }
    }

    /** The median over repeats of one product's seconds, each repeat averaging enough calls to last 20 ms. */
    static double medianSeconds(OrtEngine engine, GemmShape shape, int repeats) {
        SplittableRandom random = new SplittableRandom(0);
        try (OrtSession session = engine.session(shape.model());
             OnnxTensor a = engine.tensor(uniform(random, shape.aDims()), shape.aDims());
             OnnxTensor b = engine.tensor(uniform(random, shape.bDims()), shape.bDims())) {
            Map<String, OnnxTensor> inputs = Map.of("a", a, "b", b);
            for (int i = 0; i < 3; i++) {
                session.run(inputs).close();
            }
            int inner = 1;
            while (timed(session, inputs, inner) < MIN_REPEAT_SECONDS) {
                inner *= 2;
            }
            double[] seconds = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                seconds[r] = timed(session, inputs, inner) / inner;
            }
            Arrays.sort(seconds);
            return seconds[repeats / 2];
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a Gemm of " + shape + ": " + e.getMessage(), e);
        }
    }

    private static double timed(OrtSession session, Map<String, OnnxTensor> inputs, int calls) throws OrtException {
        long began = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            session.run(inputs).close();
        }
        return (System.nanoTime() - began) / 1e9;
    }

    private static float[] uniform(SplittableRandom random, long[] dims) {
        float[] values = new float[Math.toIntExact(dims[0] * dims[1])];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }
}
