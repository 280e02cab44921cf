package dev.vaelab.onnx.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The workspace a memory estimate counts is the im2col columns the weight gradient really builds
 * (those of its lowering: the native kernel makes them one image at a time), and
 * {@code auto} falls back to the batch-axis Conv where the columns would outgrow their cap.
 */
class WeightGradientWorkspaceTest {
    @Test
    void theEstimateIsTheSizeOfTheGatheredColumnsTheGradientBuilds() {
        // x [10, 16, 8, 8] through a 4x4 stride-2 conv to [10, 32, 4, 4]: 4·4 positions × 16 taps × 16 channels per example
        Graph g = convGraph(10, 16);
        assertEquals(10L * 4 * 4 * 16 * 16, WeightGradientWorkspace.values(conv(g), 10));
        assertEquals(List.of(10L * 4 * 4 * 16 * 16), gatheredSizes(g));
        // the same layer in a graph with a symbolic batch (the evaluation graph an estimate reads)
        assertEquals(10L * 4 * 4 * 16 * 16, WeightGradientWorkspace.values(conv(convGraph(Shape.BATCH, 16)), 10));
    }

    @Test
    void fewChannelsOrTooLargeColumnsKeepTheBatchAxisConv() {
        Graph few = convGraph(10, 8); // 8 channels: the Gather would copy runs of 8 floats
        assertEquals(0, WeightGradientWorkspace.values(conv(few), 10));
        assertEquals(List.of(), gatheredSizes(few));
        // 4096 values per example: past 256 MiB from a batch of 16,385
        long capped = (ConvGradients.GEMM_MAX_GATHERED_BYTES / 4) / 4096;
        assertEquals(capped * 4096, WeightGradientWorkspace.values(conv(convGraph(Shape.BATCH, 16)), (int) capped));
        Graph huge = convGraph(capped + 1, 16);
        assertEquals(0, WeightGradientWorkspace.values(conv(huge), (int) capped + 1));
        assertEquals(List.of(), gatheredSizes(huge));
    }

    @Test
    void otherNodesNeedNoWorkspace() {
        Graph g = convGraph(10, 16);
        Node relu = g.nodes().stream().filter(n -> n.opType().equals("Relu")).findFirst().orElseThrow();
        assertEquals(0, WeightGradientWorkspace.values(relu, 10));
    }

    private static Graph convGraph(long batch, long channels) {
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(batch, channels, 8, 8));
        Tensor w = g.input("w", DType.FLOAT, Shape.of(32, channels, 4, 4));
        g.output("y", g.relu(g.conv(x, w, null, 2, 1)));
        return g;
    }

    private static Node conv(Graph g) {
        return g.nodes().stream().filter(n -> n.opType().equals("Conv")).findFirst().orElseThrow();
    }

    /** Sizes of the im2col columns of the weight gradients of the graph's conv: batch × positions × taps × channels. */
    private static List<Long> gatheredSizes(Graph g) {
        Tensor w = g.inputs().get(1);
        Autodiff.gradients(g, g.sumAll(g.outputs().get("y")), List.of(w));
        // the GEMM lowering's columns; the batch-axis Conv lowering builds none
        return g.nodes().stream().filter(n -> n.opType().equals(ConvWeightGradient.OP_TYPE) && n.longAttr("gemm", 0) == 1).map(n -> {
            long[] geometry = n.longsAttr("geometry");
            Shape read = n.input(0).shape();
            return read.dim(0) * geometry[8] * geometry[9] * geometry[0] * geometry[1] * read.dim(1);
        }).toList();
    }
}
