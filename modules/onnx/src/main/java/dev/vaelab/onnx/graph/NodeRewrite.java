package dev.vaelab.onnx.graph;

import java.util.Map;

/**
 * Replaces some nodes by other ONNX nodes computing the same values when a graph is serialized for
 * one runtime: the graph, its gradient rules and its exports stay in standard ONNX, and only the
 * model given to that runtime's session uses the runtime's own operators (ONNX Runtime's NCHWc
 * convolutions, {@code dev.vaelab.onnx.runtime.NchwcConvolutions}). Nodes inside subgraphs (a
 * training program's {@code Loop} body) are rewritten too.
 */
public interface NodeRewrite {
    /** Rewrites nothing. */
    NodeRewrite NONE = new NodeRewrite() {
        @Override
        public Map<String, Long> domains() {
            return Map.of();
        }

        @Override
        public boolean rewrite(Node node, Emitter out) {
            return false;
        }
    };

    /** The operator sets the replacement nodes use, beyond the default one: domain to version. */
    Map<String, Long> domains();

    /**
     * Writes the replacement of {@code node} into {@code out} and returns true, or returns false
     * (having written nothing) to keep the node as it is.
     */
    boolean rewrite(Node node, Emitter out);

    /**
     * This rewrite for the nodes of {@code graph}, for one that needs to see how a graph's nodes use
     * each other's outputs (which layout a value can keep between its producer and its consumers);
     * the writer asks once per graph, subgraphs included, before it rewrites that graph's nodes.
     */
    default NodeRewrite forGraph(Graph graph) {
        return this;
    }

    /** {@code first}'s rewrite where it takes a node, else {@code second}'s; the domains of both. */
    static NodeRewrite both(NodeRewrite first, NodeRewrite second) {
        Map<String, Long> domains = new java.util.HashMap<>(first.domains());
        second.domains().forEach((domain, version) -> {
            if (domains.containsKey(domain) && !domains.get(domain).equals(version)) {
                throw new IllegalArgumentException("two rewrites import " + domain + " at versions "
                        + domains.get(domain) + " and " + version);
            }
            domains.put(domain, version);
        });
        Map<String, Long> merged = Map.copyOf(domains);
        return new NodeRewrite() {
            @Override
            public Map<String, Long> domains() {
                return merged;
            }

            @Override
            public boolean rewrite(Node node, Emitter out) {
                return first.rewrite(node, out) || second.rewrite(node, out);
            }

            @Override
            public NodeRewrite forGraph(Graph graph) {
                return both(first.forGraph(graph), second.forGraph(graph));
            }
        };
    }

    /** What a rewrite may emit: a {@link FusedOperator.Lowering}, and nodes of another domain. */
    interface Emitter extends FusedOperator.Lowering {
        /** Adds operator {@code opType} of {@code domain} computing {@code output} from {@code inputs}. */
        void node(String domain, String opType, String output, Map<String, Object> attributes, String... inputs);

        /** As above, for an operator of several outputs. */
        void node(String domain, String opType, java.util.List<String> outputs, Map<String, Object> attributes,
                  String... inputs);

        /**
         * The value name of {@code t}, any value of the graph: for a replacement that also computes
         * what a later node would (whose own rewrite then writes nothing).
         */
        String name(Tensor t);
    }
}
