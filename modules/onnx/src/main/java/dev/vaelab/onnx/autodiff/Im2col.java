package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The columns of a convolution's weight gradient as one GEMM ({@link ConvGradients}):
 * {@code Im2col(x [N, C, H, W]) -> [N·P, kH·kW·C]}, row {@code n·P + p} holding for each tap
 * {@code (i, j)} of output position {@code p = (ph, pw)} the C channels of x at
 * {@code (s·ph + d·i - pad, s·pw + d·j - pad)}, zeros outside x. Lowered to ONNX as x made
 * channels-last (Transpose), zero-padded (Pad) and gathered at every position's taps by an index
 * table (Gather); ONNX Runtime with vaelab's fused kernels copies x once, channel runs at a time,
 * to the same values ({@code dev.vaelab.onnx.runtime.FusedKernels}). Its attribute {@code geometry}
 * is (kH, kW, sH, sW, dH, dW, padH, padW, Ho, Wo).
 */
public final class Im2col implements FusedOperator {
    public static final String OP_TYPE = "vaelab.Im2col";
    static final Im2col INSTANCE = new Im2col();
    private static final long[] CHANNELS_LAST = {0, 2, 3, 1};

    private Im2col() {
    }

    /**
     * The columns of {@code read} for a kernel of {@code kernel} taps at {@code positions} output
     * positions; {@code rows} is N·P (a symbolic batch axis standing for it).
     */
    public static Tensor apply(Graph g, Tensor read, long[] kernel, ConvGeometry geo, long[] positions, long rows) {
        long[] geometry = {kernel[0], kernel[1], geo.stride(0), geo.stride(1), geo.dilation(0), geo.dilation(1),
                geo.padBegin(0), geo.padBegin(1), positions[0], positions[1]};
        long width = kernel[0] * kernel[1] * read.shape().dim(1);
        return g.fused(INSTANCE, List.of(read), read.dtype(), Shape.of(rows, width), Map.of("geometry", geometry));
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed) {
        throw new UnsupportedOperationException("the columns of a weight gradient are not differentiated again");
    }

    @Override
    public void lower(Node node, Lowering out) {
        long[] geometry = node.longsAttr("geometry");
        Shape read = node.input(0).shape();
        long channels = read.dim(1);
        long[] kernel = {geometry[0], geometry[1]};
        long[] positions = {geometry[8], geometry[9]};
        long[] before = new long[4];
        long[] after = new long[4];
        long[] padded = new long[2];
        for (int axis = 0; axis < 2; axis++) {
            long size = read.dim(axis + 2);
            long lastRead = geometry[2 + axis] * (positions[axis] - 1) + geometry[4 + axis] * (kernel[axis] - 1);
            before[axis + 1] = geometry[6 + axis];
            after[axis + 1] = Math.max(0, lastRead + 1 - geometry[6 + axis] - size);
            padded[axis] = geometry[6 + axis] + size + after[axis + 1];
        }
        long taps = kernel[0] * kernel[1];
        long[] index = new long[Math.toIntExact(positions[0] * positions[1] * taps)];
        int at = 0;
        for (long ph = 0; ph < positions[0]; ph++) {
            for (long pw = 0; pw < positions[1]; pw++) {
                for (long i = 0; i < kernel[0]; i++) {
                    for (long j = 0; j < kernel[1]; j++) {
                        long row = geometry[2] * ph + geometry[4] * i;
                        long col = geometry[3] * pw + geometry[5] * j;
                        index[at++] = row * padded[1] + col;
                    }
                }
            }
        }
        String y = out.output();
        String last = y + "_channels_last";
        out.node("Transpose", last, Map.of("perm", CHANNELS_LAST), out.input(0));
        if (Arrays.stream(before).sum() + Arrays.stream(after).sum() > 0) {
            long[] pads = new long[8];
            System.arraycopy(before, 0, pads, 0, 4);
            System.arraycopy(after, 0, pads, 4, 4);
            out.longs(y + "_pads", pads);
            out.node("Pad", y + "_padded", Map.of("mode", "constant"), last, y + "_pads");
            last = y + "_padded";
        }
        // a symbolic batch axis is kept as it is (0 in a Reshape's shape)
        out.longs(y + "_flat_shape", Shape.isSymbolic(read.dim(0)) ? 0 : read.dim(0), padded[0] * padded[1], channels);
        out.node("Reshape", y + "_flat", last, y + "_flat_shape");
        out.longs(y + "_index", index);
        out.node("Gather", y + "_gathered", Map.of("axis", 1L), y + "_flat", y + "_index");
        out.longs(y + "_shape", -1, taps * channels);
        out.node("Reshape", y, y + "_gathered", y + "_shape");
    }
}
