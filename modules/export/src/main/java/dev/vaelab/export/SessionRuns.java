package dev.vaelab.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a session on float inputs given by name, each shaped as declared with the batch axis set. */
final class SessionRuns {
    private SessionRuns() {
    }

    /**
     * Feeds every input of {@code session} from {@code values} (the symbolic axes set to
     * {@code count}) and returns every output, flattened, in the session's order.
     *
     * @throws IllegalArgumentException when an input has no values
     */
    static Map<String, float[]> run(OrtEnvironment env, OrtSession session, Map<String, float[]> values, int count)
            throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (var in : session.getInputInfo().values()) {
                float[] v = values.get(in.getName());
                if (v == null) {
                    throw new IllegalArgumentException("no values for input '" + in.getName() + "'");
                }
                long[] shape = ((TensorInfo) in.getInfo()).getShape();
                for (int i = 0; i < shape.length; i++) {
                    if (shape[i] < 0) {
                        shape[i] = count;
                    }
                }
                feeds.put(in.getName(), OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape));
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(feeds)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] a = new float[b.remaining()];
                    b.get(a);
                    out.put(e.getKey(), a);
                }
            }
            return out;
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}
