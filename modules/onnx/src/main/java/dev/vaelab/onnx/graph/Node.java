package dev.vaelab.onnx.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One operation of a {@link Graph}. {@code opType} is an ONNX operator name, or a composite of this
 * engine (see {@link Composites}) that is lowered to ONNX operators when the graph is serialized
 * and differentiated as a whole. Attribute values are Long, Double, String, long[], double[],
 * {@link Graph} (a subgraph) or {@link ConstantValue}. An omitted optional input is null.
 */
public record Node(String opType, List<Tensor> inputs, List<Tensor> outputs, Map<String, Object> attributes) {
    public Node {
        inputs = Collections.unmodifiableList(new ArrayList<>(inputs)); // null = omitted optional input
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    public Tensor input(int i) {
        return inputs.get(i);
    }

    public Tensor output() {
        return outputs.get(0);
    }

    public long longAttr(String name, long fallback) {
        Object v = attributes.get(name);
        return v == null ? fallback : (Long) v;
    }

    public double doubleAttr(String name, double fallback) {
        Object v = attributes.get(name);
        return v == null ? fallback : (Double) v;
    }

    public long[] longsAttr(String name) {
        return ((long[]) attributes.get(name)).clone();
    }
}
