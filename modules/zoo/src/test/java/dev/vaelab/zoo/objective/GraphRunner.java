package dev.vaelab.zoo.objective;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Tensor;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a test graph once in ONNX Runtime: every input fed by name, every output read back as doubles. */
final class GraphRunner {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private GraphRunner() {
    }

    static Map<String, double[]> run(Graph g, Map<String, double[]> feeds) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        byte[] model = OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("objective-test"));
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions())) {
            for (Tensor in : g.inputs()) {
                double[] v = feeds.get(in.name());
                if (v == null) {
                    throw new AssertionError("no feed for input " + in.name());
                }
                long[] shape = in.shape().dims();
                if (in.dtype() == DType.DOUBLE) {
                    inputs.put(in.name(), OnnxTensor.createTensor(ENV, DoubleBuffer.wrap(v), shape));
                } else {
                    float[] f = new float[v.length];
                    for (int i = 0; i < v.length; i++) {
                        f[i] = (float) v[i];
                    }
                    inputs.put(in.name(), OnnxTensor.createTensor(ENV, FloatBuffer.wrap(f), shape));
                }
            }
            Map<String, double[]> out = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(inputs)) {
                for (var e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    double[] values;
                    if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.DOUBLE) {
                        DoubleBuffer b = t.getDoubleBuffer();
                        values = new double[b.remaining()];
                        b.get(values);
                    } else {
                        FloatBuffer b = t.getFloatBuffer();
                        values = new double[b.remaining()];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = b.get(i);
                        }
                    }
                    out.put(e.getKey(), values);
                }
            }
            return out;
        } catch (OrtException e) {
            throw new AssertionError(e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
