package dev.vaelab.export;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Loads a model in ONNX Runtime the strict way and runs it once: full type and shape inference
 * with every inconsistency an error ({@value StrictSessions#STRICT_INFERENCE}), released opsets only
 * ({@value StrictSessions#RELEASED_OPSETS_ONLY}), with graph optimizations off and on. Each session then runs a
 * batch of {@value #BATCH} (not 1, so that a batch axis that is not really dynamic, or a broadcast
 * that only works for one example, shows), and every output must have its declared shape with
 * N = 3 and hold only finite values.
 */
final class OrtLoadCheck {
    static final int BATCH = 3;

    private final OrtEnvironment env = StrictSessions.environment();

    /** Every problem found; empty when both sessions load and run. */
    List<String> check(byte[] model) {
        List<String> problems = new ArrayList<>();
        for (boolean optimize : new boolean[] {false, true}) {
            String mode = optimize ? "with graph optimizations" : "without graph optimizations";
            try (OrtSession session = StrictSessions.open(model, optimize)) {
                run(session, mode, problems);
            } catch (OrtException e) {
                problems.add("ONNX Runtime rejects the model " + mode + " (strict type and shape inference): "
                        + e.getMessage().strip());
                break; // the second load fails the same way
            }
        }
        return problems;
    }

    private void run(OrtSession session, String mode, List<String> problems) throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            SplittableRandom random = new SplittableRandom(17);
            for (NodeInfo in : session.getInputInfo().values()) {
                long[] shape = batched(((TensorInfo) in.getInfo()).getShape());
                float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
                if (in.getName().equals("y")) {
                    int classes = (int) shape[1];
                    for (int i = 0; i < shape[0]; i++) {
                        values[i * classes + random.nextInt(classes)] = 1;
                    }
                } else {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) random.nextDouble();
                    }
                }
                feeds.put(in.getName(), OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                for (Map.Entry<String, OnnxValue> out : result) {
                    String id = "output '" + out.getKey() + "' " + mode;
                    long[] declared = batched(((TensorInfo) session.getOutputInfo().get(out.getKey()).getInfo()).getShape());
                    if (!(out.getValue() instanceof OnnxTensor t) || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                        problems.add(id + " is not a float tensor");
                        continue;
                    }
                    long[] actual = t.getInfo().getShape();
                    if (!Arrays.equals(actual, declared)) {
                        problems.add(id + " has shape " + Arrays.toString(actual) + " for a batch of " + BATCH
                                + "; declared " + Arrays.toString(declared));
                        continue;
                    }
                    FloatBuffer values = t.getFloatBuffer();
                    for (int i = 0; i < values.limit(); i++) {
                        if (!Float.isFinite(values.get(i))) {
                            problems.add(id + " holds " + values.get(i) + " for inputs in range");
                            break;
                        }
                    }
                }
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** The shape with its symbolic axes set to the check's batch size. */
    private static long[] batched(long[] shape) {
        long[] out = shape.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] < 0) {
                out[i] = BATCH;
            }
        }
        return out;
    }
}
