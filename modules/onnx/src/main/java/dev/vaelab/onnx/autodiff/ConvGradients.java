package dev.vaelab.onnx.autodiff;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Arrays;

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
 *
 * <p>The weight gradient can instead be one GEMM over the whole batch (im2col by a Gather):
 * ORT runs the batch-axis Conv above as one narrow product per input channel (16 output columns
 * for a 4x4 kernel), the slowest node of a conv step in bench/ort_profile.py's profiles. The GEMM
 * form pays for it with a Gather that copies kH·kW/stride² times the read operand channel-block by
 * channel-block, which is slow where there are few channels. {@code -Dvaelab.conv.weightGradient}
 * chooses: {@code auto} (the default: the GEMM where the gathered operand has at least
 * {@link #GEMM_MIN_CHANNELS} channels and the gathered columns of a fixed batch take at most
 * {@link #GEMM_MAX_GATHERED_BYTES}, else the Conv; 7% faster steps on the MNIST conv net and 22% on
 * the Burgess net on a quiet machine, bench/README.md), {@code conv} or {@code gemm}. Both forms are
 * the lowerings of one operator, {@link ConvWeightGradient}, which vaelab's native kernels run as
 * the GEMM without its columns going through memory.
 */
final class ConvGradients {
    static final String WEIGHT_GRADIENT_PROPERTY = "vaelab.conv.weightGradient";
    static final int GEMM_MIN_CHANNELS = 16;
    /** The most memory {@code auto} gives the gathered columns of one layer (they are 4x a stride-2 4x4 conv's input). */
    static final long GEMM_MAX_GATHERED_BYTES = 256L << 20;

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
            dw = ConvWeightGradient.apply(g, x, dy, w.shape(), geo);
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
            // the correlation of dy (read) at x's positions: the same sum with the operands' roles swapped
            dw = ConvWeightGradient.apply(g, dy, x, w.shape(), geo);
        }
        return new Tensor[] {dx, dw, biasGradient(g, n, dy, need)};
    }

    /**
     * Whether this weight gradient is the im2col GEMM, {@code read} being the operand it gathers at
     * the positions of {@code other}: as the property says, and only where channels and sizes are
     * known when the graph is built.
     */
    static boolean gemmWeightGradient(Shape read, Shape other, Shape weight) {
        String choice = System.getProperty(WEIGHT_GRADIENT_PROPERTY, "auto");
        boolean staticPastBatch = Arrays.stream(new Shape[] {read, other})
                .allMatch(shape -> Arrays.stream(shape.dims()).skip(1).noneMatch(Shape::isSymbolic));
        return staticPastBatch && switch (choice) {
            case "gemm" -> true;
            case "auto" -> read.dim(1) >= GEMM_MIN_CHANNELS && gatheredBytes(read, other, weight) <= GEMM_MAX_GATHERED_BYTES;
            case "conv" -> false;
            default -> throw new VaelabException("-D" + WEIGHT_GRADIENT_PROPERTY + " must be conv, gemm or auto, got "
                    + choice + " (set in VAELAB_JAVA_OPTS)");
        };
    }

    /** Values of the gathered columns per example: {@code other}'s positions times the kernel's taps times {@code read}'s channels. */
    static long gatheredPerExample(Shape read, Shape other, Shape weight) {
        return other.dim(2) * other.dim(3) * weight.dim(2) * weight.dim(3) * read.dim(1);
    }

    /** Bytes of the gathered columns of the whole batch; 0 when the batch is only known at run time. */
    private static long gatheredBytes(Shape read, Shape other, Shape weight) {
        long n = read.dim(0);
        return Shape.isSymbolic(n) ? 0 : Math.multiplyExact(Math.multiplyExact(gatheredPerExample(read, other, weight), n), 4L);
    }

    private static Tensor biasGradient(Graph g, Node n, Tensor dy, boolean[] need) {
        return n.inputs().size() > 2 && need[2] ? g.reduceSum(dy, false, 0, 2, 3) : null;
    }
}
