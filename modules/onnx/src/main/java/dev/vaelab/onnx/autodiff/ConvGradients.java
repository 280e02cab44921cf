package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;

/**
 * Gradient rules of {@code Conv} and {@code ConvTranspose}, which are each other's adjoints.
 * Along one spatial axis, with stride s, dilation d and begin padding p, Conv computes
 * {@code y[o] = Σ_i x[s·o + d·i - p] · w[i]} and ConvTranspose scatters the same pairs the other
 * way. So:
 * <ul>
 *   <li>Conv's input gradient is a ConvTranspose of dy with the same weights and geometry; the
 *       padded input rows after the last window (not read, zero gradient) come back as output
 *       padding.</li>
 *   <li>Either op's weight gradient {@code dw[i] = Σ_{n,o} a[n, s·o + d·i - p] · b[n, o]} is a
 *       Conv over the batch axis: with the batch and channel axes swapped, a (the wider of input
 *       and output gradient) is convolved with b as its kernel, stride d and dilation s, and the
 *       result cropped to the kernel size (it has extra taps where rows were left over).</li>
 *   <li>ConvTranspose's input gradient is a Conv of dy with the same weights and geometry.</li>
 *   <li>A bias gradient sums dy over batch and space.</li>
 * </ul>
 */
final class ConvGradients {
    private static final long[] SWAP_BATCH_AND_CHANNELS = {1, 0, 2, 3};

    private ConvGradients() {
    }

    /** Conv: x [N, C, H, W], w [M, C, kH, kW], b [M]; dy [N, M, H', W']. */
    static Tensor[] conv(Graph g, Node n, Tensor dy, boolean[] need) {
        Tensor x = n.input(0);
        Tensor w = n.input(1);
        ConvGeometry geo = ConvGeometry.of(n);
        Tensor dx = null;
        Tensor dw = null;
        if (need[0]) {
            long[] leftOver = new long[2];
            for (int axis = 0; axis < 2; axis++) {
                leftOver[axis] = geo.convRemainder(axis, x.shape().dim(axis + 2), w.shape().dim(axis + 2));
            }
            dx = g.convTranspose(dy, w, null, new ConvGeometry(geo.strides(), geo.pads(), geo.dilations(), leftOver));
        }
        if (need[1]) {
            // [C, N, H, W] convolved with [M, N, H', W'] is [C, M, kH(+), kW(+)]
            Tensor taps = weightTaps(g, g.transpose(x, SWAP_BATCH_AND_CHANNELS), g.transpose(dy, SWAP_BATCH_AND_CHANNELS),
                    geo, w);
            dw = g.transpose(taps, SWAP_BATCH_AND_CHANNELS);
        }
        return new Tensor[] {dx, dw, biasGradient(g, n, dy, need)};
    }

    /** ConvTranspose: x [N, C, H, W], w [C, M, kH, kW], b [M]; dy [N, M, H', W']. */
    static Tensor[] convTranspose(Graph g, Node n, Tensor dy, boolean[] need) {
        Tensor x = n.input(0);
        Tensor w = n.input(1);
        ConvGeometry geo = ConvGeometry.of(n);
        Tensor dx = null;
        Tensor dw = null;
        if (need[0]) {
            // output padding < stride, so the same pads give back exactly H rows
            dx = g.conv(dy, w, null, new ConvGeometry(geo.strides(), geo.pads(), geo.dilations(), new long[2]));
        }
        if (need[1]) {
            // [M, N, H', W'] convolved with [C, N, H, W] is [M, C, kH(+), kW(+)]
            Tensor taps = weightTaps(g, g.transpose(dy, SWAP_BATCH_AND_CHANNELS), g.transpose(x, SWAP_BATCH_AND_CHANNELS),
                    geo, w);
            dw = g.transpose(taps, SWAP_BATCH_AND_CHANNELS);
        }
        return new Tensor[] {dx, dw, biasGradient(g, n, dy, need)};
    }

    /**
     * {@code Σ_n wide[·, n, s·o + d·i - p] · narrow[·, n, o]} for every tap i: a Conv of {@code wide}
     * with {@code narrow} as kernel, stride d and dilation s, cropped to the weight's kernel size.
     */
    private static Tensor weightTaps(Graph g, Tensor wide, Tensor narrow, ConvGeometry geo, Tensor weight) {
        ConvGeometry swapped = new ConvGeometry(geo.dilations(), geo.pads(), geo.strides(), new long[2]);
        Tensor taps = g.conv(wide, narrow, null, swapped);
        for (int axis = 2; axis < 4; axis++) {
            long k = weight.shape().dim(axis);
            if (taps.shape().dim(axis) > k) {
                taps = g.slice(taps, axis, 0, k);
            }
        }
        return taps;
    }

    private static Tensor biasGradient(Graph g, Node n, Tensor dy, boolean[] need) {
        return n.inputs().size() > 2 && need[2] ? g.reduceSum(dy, false, 0, 2, 3) : null;
    }
}
