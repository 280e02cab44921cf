package dev.vaelab.onnx.graph;

/**
 * A value in a {@link Graph}: a graph input, a constant or a node output. Handles are immutable and
 * compare by identity; the name is unique across a graph and all its subgraphs.
 */
public final class Tensor {
    private final Graph graph;
    private final String name;
    private final DType dtype;
    private final Shape shape;

    Tensor(Graph graph, String name, DType dtype, Shape shape) {
        this.graph = graph;
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
    }

    public Graph graph() {
        return graph;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    @Override
    public String toString() {
        return name + ":" + dtype.name().toLowerCase() + shape;
    }
}
