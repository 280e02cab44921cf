package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Shape;
import java.util.Arrays;
import java.util.Map;

/**
 * The columns of a convolution's weight gradient as one GEMM, written in standard ONNX for
 * {@link ConvWeightGradient}'s lowering: {@code x [N, C, H, W]} to {@code [N·P, kH·kW·C]}, row
 * {@code n·P + p} holding for each tap {@code (i, j)} of output position {@code p = (ph, pw)} the C
 * channels of x at {@code (s·ph + d·i - pad, s·pw + d·j - pad)}, zeros outside x: x made
 * channels-last (Transpose), zero-padded (Pad) and gathered at every position's taps by an index
 * table (Gather). The geometry is (kH, kW, sH, sW, dH, dW, padH, padW, Ho, Wo).
 */
final class Im2col {
    private static final long[] CHANNELS_LAST = {0, 2, 3, 1};

    private Im2col() {
    }

    /** The geometry of the columns of a kernel of {@code kernel} taps at {@code positions} output positions. */
    static long[] geometry(long[] kernel, ConvGeometry geo, long[] positions) {
        return new long[] {kernel[0], kernel[1], geo.stride(0), geo.stride(1), geo.dilation(0), geo.dilation(1),
                geo.padBegin(0), geo.padBegin(1), positions[0], positions[1]};
    }

    /** Emits the columns {@code y} of the value {@code x}, shaped {@code read}, into {@code out}. */
    static void lower(FusedOperator.Lowering out, String x, Shape read, long[] geometry, String y) {
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
        String last = y + "_channels_last";
        out.node("Transpose", last, Map.of("perm", CHANNELS_LAST), x);
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
