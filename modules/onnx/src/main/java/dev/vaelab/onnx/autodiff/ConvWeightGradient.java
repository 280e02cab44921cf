package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The weight gradient of a convolution as one operator: {@code ConvWeightGradient(read [N, R, H, W],
 * other [N, O, Ho, Wo]) -> dw [O, R, kH, kW]}, {@code dw[o, r, i, j] = Σ_{n,p} other[n, o, p] ·
 * read[n, r, s·p + d·(i, j) - pad]} (a Conv's x and dy, or a ConvTranspose's dy and x:
 * {@link ConvGradients}). Lowered to ONNX in one of two forms, chosen when the graph is built
 * ({@code -Dvaelab.conv.weightGradient}): the im2col GEMM ({@link Im2col}'s columns of read, times
 * other as [O, N·P]) or the batch-axis Conv (read and other with batch and channels swapped,
 * convolved with stride and dilation swapped). ONNX Runtime with vaelab's fused kernels runs every
 * weight gradient as the GEMM with each image's columns made and multiplied in cache, whatever the
 * form ({@code dev.vaelab.onnx.runtime.FusedKernels}; equal to either lowering up to summation
 * order). Attributes: {@code geometry} (kH, kW, sH, sW, dH, dW, padH, padW, Ho, Wo), the layer's
 * {@code pads} (begin and end) and {@code gemm} (1 for the GEMM lowering).
 */
public final class ConvWeightGradient implements FusedOperator {
    public static final String OP_TYPE = "vaelab.ConvWeightGrad";
    static final ConvWeightGradient INSTANCE = new ConvWeightGradient();
    private static final long[] SWAP_BATCH_AND_CHANNELS = {1, 0, 2, 3};

    private ConvWeightGradient() {
    }

    /** The gradient of a weight shaped {@code weight} (dw's shape) for a layer of geometry {@code geo}. */
    public static Tensor apply(Graph g, Tensor read, Tensor other, Shape weight, ConvGeometry geo) {
        long[] kernel = {weight.dim(2), weight.dim(3)};
        long[] positions = {other.shape().dim(2), other.shape().dim(3)};
        boolean gemm = ConvGradients.gemmWeightGradient(read.shape(), other.shape(), weight);
        return g.fused(INSTANCE, List.of(read, other), read.dtype(), weight, Map.of(
                "geometry", Im2col.geometry(kernel, geo, positions), "pads", geo.pads(), "gemm", gemm ? 1L : 0L));
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public String nativeKernel() {
        return "ConvWeightGrad";
    }

    /** The kernel reads the geometry only (the other attributes choose among the ONNX lowerings), both operands in NCHW. */
    @Override
    public Map<String, Object> nativeKernelAttributes(Node node) {
        return Map.of("geometry", kernelGeometry(node, 0, 0));
    }

    /**
     * The ConvWeightGrad kernel's geometry: the operator's (kernel, strides, dilations, pads, output
     * size), then the layout of its two operands, 0 for NCHW or the NCHWc block they are held in.
     */
    public static long[] kernelGeometry(Node node, long readBlock, long otherBlock) {
        long[] geometry = node.longsAttr("geometry");
        long[] withLayout = java.util.Arrays.copyOf(geometry, geometry.length + 2);
        withLayout[geometry.length] = readBlock;
        withLayout[geometry.length + 1] = otherBlock;
        return withLayout;
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        throw new UnsupportedOperationException("a weight gradient is not differentiated again");
    }

    @Override
    public void lower(Node node, Lowering out) {
        if (node.longAttr("gemm", 0) == 1) {
            lowerGemm(node, out);
        } else {
            lowerBatchAxisConv(node, out);
        }
    }

    /** Columns [N·P, kH·kW·R] times other as [O, N·P]: [O, kH·kW·R], reordered to [O, R, kH, kW]. */
    private static void lowerGemm(Node node, Lowering out) {
        String y = out.output();
        Shape dw = node.output().shape();
        Im2col.lower(out, out.input(0), node.input(0).shape(), node.longsAttr("geometry"), y + "_columns");
        out.node("Transpose", y + "_other", Map.of("perm", SWAP_BATCH_AND_CHANNELS), out.input(1));
        out.longs(y + "_rows_shape", dw.dim(0), -1);
        out.node("Reshape", y + "_rows", y + "_other", y + "_rows_shape");
        out.node("MatMul", y + "_product", y + "_rows", y + "_columns");
        out.longs(y + "_taps_shape", dw.dim(0), dw.dim(2), dw.dim(3), dw.dim(1));
        out.node("Reshape", y + "_taps", y + "_product", y + "_taps_shape");
        out.node("Transpose", y, Map.of("perm", new long[] {0, 3, 1, 2}), y + "_taps");
    }

    /**
     * {@code Σ_n wide[·, n, s·o + d·i - p] · narrow[·, n, o]} for every tap i: a Conv of read as
     * [R, N, H, W] with other as [O, N, Ho, Wo] for kernel, stride d and dilation s, cropped to the
     * weight's kernel size, its [R, O] axes swapped back.
     */
    private static void lowerBatchAxisConv(Node node, Lowering out) {
        String y = out.output();
        long[] geometry = node.longsAttr("geometry");
        Shape read = node.input(0).shape();
        Shape other = node.input(1).shape();
        ConvGeometry swapped = new ConvGeometry(new long[] {geometry[4], geometry[5]}, node.longsAttr("pads"),
                new long[] {geometry[2], geometry[3]}, new long[2]);
        out.node("Transpose", y + "_wide", Map.of("perm", SWAP_BATCH_AND_CHANNELS), out.input(0));
        out.node("Transpose", y + "_narrow", Map.of("perm", SWAP_BATCH_AND_CHANNELS), out.input(1));
        String taps = y + "_taps";
        out.node("Conv", taps, swapped.attributes(other.dim(2), other.dim(3), false), y + "_wide", y + "_narrow");
        for (int axis = 0; axis < 2; axis++) {
            long kernel = geometry[axis];
            if (swapped.convOutput(axis, read.dim(axis + 2), other.dim(axis + 2)) > kernel) {
                String cropped = taps + "_cropped" + axis;
                out.longs(cropped + "_start", 0);
                out.longs(cropped + "_end", kernel);
                out.longs(cropped + "_axis", axis + 2);
                out.node("Slice", cropped, taps, cropped + "_start", cropped + "_end", cropped + "_axis");
                taps = cropped;
            }
        }
        out.node("Transpose", y, Map.of("perm", SWAP_BATCH_AND_CHANNELS), taps);
    }
}
