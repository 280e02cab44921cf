package dev.vaelab.export;

import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.zoo.model.Posterior;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The graphs that go into the files, built by the model's own code. The decoder is
 * {@link VaeGraphs#decoderGraph()} as it is. The encoder is {@link VaeGraphs#encoderGraph()} unless
 * the model reads its input as images (every use of {@code x} views it as [N, C, H, W], as a
 * convolutional encoder does): then, as ARCHITECTURE.md's interface says, the file takes {@code x} as
 * [N, C, H, W] and flattens it for the same model code, so nothing else changes.
 */
final class ExportGraphs {
    private ExportGraphs() {
    }

    static Graph of(VaeGraphs graphs, ModelCard card, Role role) {
        return role == Role.ENCODER ? encoder(graphs, card) : graphs.decoderGraph();
    }

    static Graph encoder(VaeGraphs graphs, ModelCard card) {
        Graph flat = graphs.encoderGraph();
        if (!readsImages(flat, card)) {
            return flat;
        }
        Graph g = new Graph(DType.FLOAT);
        Tensor images = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, card.channels(), card.height(), card.width()));
        Optional<Tensor> y = card.conditional()
                ? Optional.of(g.input("y", DType.FLOAT, Shape.of(Shape.BATCH, card.numClasses())))
                : Optional.empty();
        Tensor x = g.reshape(images, Shape.of(Shape.BATCH, card.imageSize()));
        Posterior q = graphs.model().encode(g, new GraphInputParameters(g, ""), x, y);
        g.output("mu", q.mu());
        g.output("logvar", q.logvar());
        return g;
    }

    /** Whether every node that reads the flat {@code x} reshapes it to [N, C, H, W]. */
    static boolean readsImages(Graph encoder, ModelCard card) {
        Tensor x = encoder.inputs().stream().filter(t -> t.name().equals("x")).findFirst().orElseThrow();
        long[] image = {Shape.BATCH, card.channels(), card.height(), card.width()};
        List<Node> readers = encoder.nodes().stream().filter(n -> n.inputs().contains(x)).toList();
        boolean outputsX = encoder.outputs().containsValue(x);
        return !readers.isEmpty() && !outputsX && readers.stream().allMatch(n -> n.opType().equals("Reshape")
                && n.inputs().get(0) == x && Arrays.equals(n.output().shape().dims(), image));
    }
}
