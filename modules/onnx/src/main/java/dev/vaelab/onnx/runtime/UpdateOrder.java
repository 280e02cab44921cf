package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether an update that writes over the training state in place comes after every node that reads
 * that state. ONNX Runtime runs a graph's nodes in an order that respects their data dependencies
 * and nothing else: a node that reads a parameter and that the update does not depend on (a metric
 * summed straight from a bias, say) may run before the update or after it, and after it would read
 * the next step's value. Where every reader is one of the update's ancestors, none can.
 */
final class UpdateOrder {
    private UpdateOrder() {
    }

    /**
     * True where every node of {@code body} that reads one of {@code state}, other than the node
     * that makes {@code token}, is one that node depends on; false where {@code body} holds a
     * subgraph (an If's branches, say), whose nodes may read the state by name.
     */
    static boolean everyReaderPrecedes(Graph body, List<Tensor> state, Tensor token) {
        Map<Tensor, Node> producers = new IdentityHashMap<>();
        body.nodes().forEach(n -> n.outputs().forEach(t -> producers.put(t, n)));
        Node update = producers.get(token);
        if (update == null) {
            throw new IllegalArgumentException("the update's token " + token + " is not made in the Loop body");
        }
        Set<Node> ancestors = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(update);
        while (!pending.isEmpty()) {
            for (Tensor in : pending.pop().inputs()) {
                Node producer = in == null ? null : producers.get(in);
                if (producer != null && ancestors.add(producer)) {
                    pending.push(producer);
                }
            }
        }
        Set<Tensor> stateSet = Collections.newSetFromMap(new IdentityHashMap<>());
        stateSet.addAll(state);
        for (Node n : body.nodes()) {
            if (n.attributes().values().stream().anyMatch(Graph.class::isInstance)) {
                return false; // a nested subgraph's nodes may read the state unseen here
            }
            if (n != update && !ancestors.contains(n) && n.inputs().stream().anyMatch(stateSet::contains)) {
                return false;
            }
        }
        return true;
    }
}
