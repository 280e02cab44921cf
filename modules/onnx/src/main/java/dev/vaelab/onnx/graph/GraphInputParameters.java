package dev.vaelab.onnx.graph;

import dev.vaelab.onnx.optim.Initializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters as float inputs of a graph, declared in the order the model asks for them. A prefix
 * keeps tensor names unique when the graph is a subgraph of one that uses the plain names.
 */
public final class GraphInputParameters implements ParameterSource {
    private final Graph graph;
    private final String prefix;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final List<ParameterSpec> specs = new ArrayList<>();

    public GraphInputParameters(Graph graph, String prefix) {
        this.graph = graph;
        this.prefix = prefix;
    }

    @Override
    public Tensor parameter(String name, Shape shape, Initializer init) {
        Tensor existing = tensors.get(name);
        if (existing != null) {
            if (!existing.shape().equals(shape)) {
                throw new IllegalArgumentException("parameter " + name + " requested as " + shape + " and " + existing.shape());
            }
            return existing;
        }
        Tensor t = graph.input(prefix + name, graph.floatType(), shape);
        tensors.put(name, t);
        specs.add(new ParameterSpec(name, shape, init));
        return t;
    }

    /** The parameters in declaration order. */
    public List<ParameterSpec> specs() {
        return List.copyOf(specs);
    }

    /** The tensors in declaration order. */
    public List<Tensor> tensors() {
        return List.copyOf(tensors.values());
    }
}
