package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.autodiff.ConvWeightGradient;
import dev.vaelab.onnx.autodiff.ReluGradient;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which feature maps of one graph stay in NCHWc channel blocks from one NCHWc convolution to the
 * next, and which ReLUs their convolution applies itself. Between two blocked convolutions a map
 * otherwise goes through a ReorderOutput to NCHW and a ReorderInput back (17-19% of a Burgess step,
 * bench/README.md). A map keeps its blocks where every producer and consumer can take them: the
 * NCHWc convolutions, ReLU and its gradient (element-wise, so any layout both operands share), the
 * weight-gradient kernel (told each operand's layout) and a bias gradient's sum over batch and space
 * (summed per block). Anything else, a graph output or a value a subgraph reads keeps NCHW, and so
 * do the ReLUs and gradients linked to it, so that an element-wise node never mixes layouts. With the
 * kernels, a blocked ReLU gradient's bias sum is computed by the kernel that computes the gradient
 * instead of by a second pass over it ({@link BiasSums} does it for the others), and a ReLU gradient
 * whose dy a kernel that can apply its mask makes
 * (a strided convolution's input gradient, interleaved from its phases; a decoder's image layer's input gradient)
 * by that kernel.
 */
final class BlockedLayout {
    private static final BlockedLayout NONE = new BlockedLayout(Set.of(), Set.of(), Map.of(), Map.of());
    private final Set<Tensor> blocked;
    private final Set<Node> fusedRelus;
    /** The inputs of {@link #fusedRelus}: the outputs of the convolutions that apply them. */
    private final Set<Tensor> reluApplied = identitySet();
    private final Map<Node, Node> biasSums;
    private final Set<Node> summedBiases = Collections.newSetFromMap(new IdentityHashMap<>());
    /** A convolution to the ReLU gradient of its output that its kernel computes. */
    private final Map<Node, Node> maskedOutputs;
    /** The ReLU gradients in {@link #maskedOutputs}: their convolution's kernel writes their output. */
    private final Set<Node> reluGradientsOnTheWay = Collections.newSetFromMap(new IdentityHashMap<>());

    private BlockedLayout(Set<Tensor> blocked, Set<Node> fusedRelus, Map<Node, Node> biasSums, Map<Node, Node> maskedOutputs) {
        this.blocked = blocked;
        this.fusedRelus = fusedRelus;
        this.biasSums = biasSums;
        this.maskedOutputs = maskedOutputs;
        fusedRelus.forEach(relu -> reluApplied.add(relu.input(0)));
        summedBiases.addAll(biasSums.values());
        reluGradientsOnTheWay.addAll(maskedOutputs.values());
    }

    static BlockedLayout none() {
        return NONE;
    }

    /**
     * The plan for {@code graph}: {@code takes} says which Conv and ConvTranspose nodes the NCHWc
     * rewrite runs with blocked output (and can apply a ReLU), {@code reads} which of them read a
     * blocked input, {@code kernels} whether vaelab's kernels run the weight gradients (the ONNX
     * lowerings read NCHW only), {@code masks} which convolutions' kernels can compute the ReLU
     * gradient that reads their blocked output (and its bias sum).
     */
    static BlockedLayout of(Graph graph, long block, Predicate<Node> takes, Predicate<Node> reads, boolean kernels,
                            Predicate<Node> masks) {
        Uses uses = Uses.of(graph);
        Set<Node> fusedRelus = fusedRelus(graph, uses, takes);
        if (!kernels) {
            return new BlockedLayout(Set.of(), fusedRelus, Map.of(), Map.of());
        }
        Set<Tensor> blocked = blockedMaps(graph, uses, block, takes, reads);
        return new BlockedLayout(blocked, fusedRelus, biasSums(graph, uses, blocked), maskedOutputs(graph, uses, masks, blocked));
    }

    /** Who makes and who reads each value of a graph, and which values leave it (outputs, subgraphs' reads). */
    private record Uses(Map<Tensor, List<Node>> consumers, Map<Tensor, Node> producers, Set<Tensor> escaping) {
        static Uses of(Graph graph) {
            Map<Tensor, List<Node>> consumers = new IdentityHashMap<>();
            Map<Tensor, Node> producers = new IdentityHashMap<>();
            Set<Tensor> escaping = identitySet();
            escaping.addAll(graph.outputs().values());
            for (Node n : graph.nodes()) {
                n.inputs().stream().filter(t -> t != null).forEach(t -> consumers.computeIfAbsent(t, k -> new ArrayList<>()).add(n));
                n.outputs().forEach(t -> producers.put(t, n));
                n.attributes().values().stream().filter(Graph.class::isInstance).map(Graph.class::cast)
                        .forEach(sub -> readsFromOutside(sub, escaping));
            }
            return new Uses(consumers, producers, escaping);
        }

        List<Node> consumersOf(Tensor t) {
            return consumers.getOrDefault(t, List.of());
        }
    }

    /** The ReLUs whose input only they read, made by a convolution that can apply them. */
    private static Set<Node> fusedRelus(Graph graph, Uses uses, Predicate<Node> takes) {
        Set<Node> fused = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : graph.nodes()) {
            if (n.opType().equals("Relu")) {
                Node producer = uses.producers().get(n.input(0));
                if (producer != null && takes.test(producer) && uses.consumersOf(n.input(0)).size() == 1
                        && !uses.escaping().contains(n.input(0))) {
                    fused.add(n);
                }
            }
        }
        return fused;
    }

    /**
     * A blocked ReLU gradient's bias sum, computed by the kernel that computes the gradient: gradient node to
     * ReduceSum node ({@link BiasSums} does the same for the others).
     */
    private static Map<Node, Node> biasSums(Graph graph, Uses uses, Set<Tensor> blocked) {
        Map<Node, Node> sums = new IdentityHashMap<>();
        for (Node n : graph.nodes()) {
            if (n.opType().equals(ReluGradient.OP_TYPE) && blocked.contains(n.output())) {
                uses.consumersOf(n.output()).stream().filter(c -> BiasSums.isBiasSum(c, n.output(), uses.producers()))
                        .findFirst().ifPresent(sum -> sums.put(n, sum));
            }
        }
        return sums;
    }

    /**
     * The ReLU gradients whose dy is a blocked output that only they read, made by a convolution whose kernel can
     * apply their mask: convolution node to ReLU gradient node.
     */
    private static Map<Node, Node> maskedOutputs(Graph graph, Uses uses, Predicate<Node> masks, Set<Tensor> blocked) {
        Map<Node, Node> masked = new IdentityHashMap<>();
        for (Node n : graph.nodes()) {
            if (!n.opType().equals(ReluGradient.OP_TYPE) || n.input(0) == n.input(1)) {
                continue;
            }
            Node producer = uses.producers().get(n.input(0));
            Tensor dy = n.input(0);
            if (producer != null && masks.test(producer) && blocked.contains(dy) && !uses.escaping().contains(dy)
                    && uses.consumersOf(dy).size() == 1) {
                masked.put(producer, n);
            }
        }
        return masked;
    }

    /**
     * Every map a blocked convolution or an element-wise node makes, less those something cannot read
     * in blocks, until no more go: an element-wise node's operands go together.
     */
    private static Set<Tensor> blockedMaps(Graph graph, Uses uses, long block, Predicate<Node> takes, Predicate<Node> reads) {
        Set<Tensor> blocked = identitySet();
        for (Node n : graph.nodes()) {
            if (takes.test(n) || elementwise(n)) {
                n.outputs().stream().filter(t -> blockable(t, block)).forEach(blocked::add);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = blocked.removeIf(t -> uses.escaping().contains(t)
                    || !uses.consumersOf(t).stream().allMatch(c -> accepts(c, t, uses.producers(), reads)));
            for (Node n : graph.nodes()) {
                if (elementwise(n)) {
                    List<Tensor> linked = new ArrayList<>(n.inputs());
                    linked.addAll(n.outputs());
                    if (!blocked.containsAll(linked) && linked.stream().anyMatch(blocked::contains)) {
                        linked.forEach(blocked::remove);
                        changed = true;
                    }
                }
            }
        }
        return blocked;
    }

    /** Whether {@code t} is held in channel blocks. */
    boolean blocked(Tensor t) {
        return blocked.contains(t);
    }

    /** Whether Relu node {@code relu}'s work is done by the convolution that makes its input. */
    boolean fused(Node relu) {
        return fusedRelus.contains(relu);
    }

    /** The bias sum (a ReduceSum over batch and space) of ReLU gradient {@code n}'s output to compute with it, or null. */
    Node biasSumOf(Node n) {
        return biasSums.get(n);
    }

    /** The ReLU gradient of convolution {@code n}'s output that its kernel computes (with its bias sum), or null. */
    Node reluGradientOf(Node n) {
        return maskedOutputs.get(n);
    }

    /** Whether ReLU gradient {@code n} is computed by the kernel of the convolution it reads. */
    boolean computedByItsConvolution(Node n) {
        return reluGradientsOnTheWay.contains(n);
    }

    /** Whether ReduceSum {@code n} is computed by the kernel of the ReLU gradient it sums. */
    boolean summedWithItsReluGradient(Node n) {
        return summedBiases.contains(n);
    }

    /** Whether the output of {@code n}, a Conv or ConvTranspose, is its one consumer's ReLU applied. */
    boolean appliesRelu(Node n) {
        return reluApplied.contains(n.output());
    }

    private static boolean elementwise(Node n) {
        return n.opType().equals("Relu") || n.opType().equals(ReluGradient.OP_TYPE);
    }

    private static boolean blockable(Tensor t, long block) {
        Shape s = t.shape();
        // channels in whole blocks; the map's size known, as a bias gradient's per-block sum spells it out
        return t.dtype() == DType.FLOAT && s.rank() == 4 && Arrays.stream(s.dims()).skip(1).noneMatch(Shape::isSymbolic)
                && s.dim(1) % block == 0;
    }

    private static boolean accepts(Node consumer, Tensor t, Map<Tensor, Node> producers, Predicate<Node> reads) {
        String op = consumer.opType();
        if (op.equals("Conv") || op.equals("ConvTranspose")) {
            return reads.test(consumer) && consumer.input(0) == t && consumer.inputs().stream().filter(i -> i == t).count() == 1;
        }
        if (op.equals(ConvWeightGradient.OP_TYPE)) {
            return consumer.inputs().stream().allMatch(i -> i.dtype() == DType.FLOAT);
        }
        if (op.equals("ReduceSum")) {
            return BiasSums.isBiasSum(consumer, t, producers);
        }
        return elementwise(consumer);
    }

    /** Adds the values of outer graphs that {@code sub} (or a graph inside it) reads. */
    private static void readsFromOutside(Graph sub, Set<Tensor> into) {
        for (Node n : sub.nodes()) {
            n.inputs().stream().filter(t -> t != null && t.graph() != sub).forEach(into::add);
            n.attributes().values().stream().filter(Graph.class::isInstance).map(Graph.class::cast)
                    .forEach(inner -> readsFromOutside(inner, into));
        }
        sub.outputs().values().stream().filter(t -> t.graph() != sub).forEach(into::add);
    }

    private static Set<Tensor> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }
}
