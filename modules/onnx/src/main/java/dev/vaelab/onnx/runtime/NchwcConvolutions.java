package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.autodiff.ConvWeightGradient;
import dev.vaelab.onnx.autodiff.ReluGradient;
import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.NodeRewrite;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code Conv} and {@code ConvTranspose} on ONNX Runtime's NCHWc kernels ({@code Conv} of the
 * {@code com.microsoft.nchwc} domain: MLAS's direct convolutions over channel blocks of
 * {@link #blockSize()}, 16 floats with AVX-512, 8 with AVX2). ORT's graph optimizer moves only
 * convolutions with constant weights there, never a training graph's; its generic {@code Conv}
 * and {@code ConvTranspose} do an im2col or col2im and a GEMM per image, which ran the conv nets'
 * layers at 38-70 GFLOP/s where these kernels reach 90-150, reorders included (bench/README.md, "NCHWc
 * convolutions"). The rewrite is exact up to float summation order:
 * <ul>
 *   <li>a {@code Conv} becomes ReorderInput, NCHWc Conv with the weights reordered to blocks of
 *       input by output channels ({@code [M/B, C/B, kH, kW, B, B]}), ReorderOutput. An input of
 *       fewer than B channels (an image's first layer) is read as it is, with the weights in
 *       blocks of output channels only ({@code [M/B, C, kH, kW, B]});</li>
 *   <li>a {@code ConvTranspose} with stride s dividing its kernel is s² stride-1 convolutions, one
 *       per output phase (the output rows {@code s·q + r} for each r, on each axis), whose outputs
 *       interleave into the result: output row {@code s·q + r} sums
 *       {@code x[q + c - j]·w[t0 + s·j]} for {@code j < k/s}, with {@code c = (r + pad) / s} and
 *       {@code t0 = (r + pad) mod s}, a correlation of x with those taps reversed, padded by
 *       {@code k/s - 1 - c} before. The interleave is vaelab's {@code InterleavePhases} kernel where
 *       the engine has its native kernels, else two Concats of the NCHWc blocks and a ReorderOutput.</li>
 * </ul>
 * Nodes it cannot take (grouped or dilated, a channel count that is not a multiple of B, an output
 * whose phases differ in size, shapes unknown when the graph is built) stay as they are: the batch-axis
 * Conv of a weight gradient (dilated) is one of them.
 *
 * <p>Where the engine has vaelab's native kernels, the rewrite of each graph follows its
 * {@link BlockedLayout} ({@link #forGraph}): a map that stays in blocks skips the ReorderOutput after
 * its convolution and the ReorderInput before the next, a ReLU whose input only a convolution reads
 * is applied by that convolution, and the rewrite also writes the kernels that read or write blocks
 * (the interleave, {@code NchwcFilter}, {@code ConvWeightGrad} told each operand's layout,
 * {@code FewChannelDeconv} for a ConvTranspose to fewer than B channels, {@code ReluGradBias},
 * {@code InterleaveReluGrad} and {@code FewChannelConvReluGrad} for a convolution whose output a ReLU gradient
 * reads, and a bias gradient summed per block).
 */
public final class NchwcConvolutions implements NodeRewrite {
    static final String DOMAIN = "com.microsoft.nchwc";
    private final int blockSize;
    private final boolean interleaveKernel;
    private final boolean maskReluGradients;
    private final BlockedLayout layout;

    /**
     * @param blockSize this machine's NCHWc block size ({@link OrtEngine#nchwcBlockSize()})
     * @param interleaveKernel whether a transposed convolution's phases are interleaved by vaelab's
     *     {@code InterleavePhases} kernel ({@link FusedKernels}: one pass) or by two Concats and a
     *     ReorderOutput (three)
     */
    public NchwcConvolutions(int blockSize, boolean interleaveKernel) {
        this(blockSize, interleaveKernel, interleaveKernel);
    }

    /**
     * As above; {@code maskReluGradients} says whether a convolution whose output a ReLU gradient reads computes
     * that gradient and its bias sum itself where a kernel can ({@code InterleaveReluGrad},
     * {@code FewChannelConvReluGrad}; the kernels' default) or leaves them to {@code ReluGradBias} (a second pass;
     * for tests that compare the two).
     */
    NchwcConvolutions(int blockSize, boolean interleaveKernel, boolean maskReluGradients) {
        this(blockSize, interleaveKernel, maskReluGradients && interleaveKernel, BlockedLayout.none());
    }

    private NchwcConvolutions(int blockSize, boolean interleaveKernel, boolean maskReluGradients, BlockedLayout layout) {
        if (blockSize < 4 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("an NCHWc block is a power of two of at least 4 floats, got " + blockSize);
        }
        this.blockSize = blockSize;
        this.interleaveKernel = interleaveKernel;
        this.maskReluGradients = maskReluGradients;
        this.layout = layout;
    }

    /**
     * This rewrite with {@code graph}'s {@link BlockedLayout}: maps between NCHWc convolutions keep
     * their channel blocks where the kernels run everything that reads them, and a ReLU whose input
     * only it reads is applied by the convolution that makes it.
     */
    @Override
    public NodeRewrite forGraph(Graph graph) {
        return new NchwcConvolutions(blockSize, interleaveKernel, maskReluGradients, BlockedLayout.of(graph, blockSize,
                this::blockedOutput, this::readsBlocks, interleaveKernel, maskReluGradients ? this::masksItsOutput : n -> false));
    }

    /**
     * Whether {@code n}'s kernel can apply the mask of a ReLU gradient that reads its output: a ConvTranspose's
     * interleave, or a Conv from fewer channels than a block without a bias (FewChannelConvReluGrad), sizes known.
     */
    private boolean masksItsOutput(Node n) {
        if (n.opType().equals("ConvTranspose")) {
            return blockedOutput(n);
        }
        Shape y = n.output().shape();
        return n.opType().equals("Conv") && takesConv(n) && n.input(1).shape().dim(1) < blockSize
                && (n.inputs().size() < 3 || n.input(2) == null) && y.rank() == 4 && !Shape.isSymbolic(y.dim(2))
                && !Shape.isSymbolic(y.dim(3));
    }

    /** Whether {@code n} becomes a kernel that can read its input in channel blocks. */
    private boolean readsBlocks(Node n) {
        return blockedOutput(n) || n.opType().equals("ConvTranspose") && fewChannelDeconv(n);
    }

    /**
     * Whether ConvTranspose {@code n} is one vaelab's FewChannelDeconv kernel runs where its input is
     * blocked: to fewer channels than a block (which NCHWc kernels cannot write), from whole blocks,
     * shapes known, with a bias (the zoo's layers have one).
     */
    private boolean fewChannelDeconv(Node n) {
        Shape x = n.input(0).shape();
        Shape w = n.input(1).shape();
        return interleaveKernel && plain(n) && x.rank() == 4 && w.isStatic() && w.dim(1) < blockSize
                && w.dim(0) % blockSize == 0 && !Shape.isSymbolic(x.dim(2)) && !Shape.isSymbolic(x.dim(3))
                && n.inputs().size() > 2 && n.input(2) != null
                && n.inputs().stream().allMatch(t -> t.dtype() == DType.FLOAT);
    }

    /** Whether {@code n} becomes an NCHWc convolution that can write channel blocks and apply a ReLU. */
    private boolean blockedOutput(Node n) {
        return n.opType().equals("Conv") && takesConv(n)
                || n.opType().equals("ConvTranspose") && interleaveKernel && takesConvTranspose(n);
    }

    public int blockSize() {
        return blockSize;
    }

    @Override
    public Map<String, Long> domains() {
        return interleaveKernel ? Map.of(DOMAIN, 1L, FusedKernels.DOMAIN, 1L) : Map.of(DOMAIN, 1L);
    }

    @Override
    public boolean rewrite(Node node, Emitter out) {
        if (node.opType().equals("Conv") && takesConv(node)) {
            Node reluGradient = layout.reluGradientOf(node);
            if (reluGradient != null) {
                emitFewChannelConvReluGrad(node, reluGradient, out);
            } else {
                emitConv(node, out);
            }
            return true;
        }
        if (node.opType().equals("ConvTranspose") && takesConvTranspose(node)) {
            emitConvTranspose(node, out);
            return true;
        }
        if (node.opType().equals("ConvTranspose") && fewChannelDeconv(node) && layout.blocked(node.input(0))) {
            emitFewChannelDeconv(node, out);
            return true;
        }
        if (node.opType().equals("Relu") && layout.fused(node)) {
            out.node("Identity", out.output(), out.input(0)); // its convolution applied it
            return true;
        }
        if (node.opType().equals(ReluGradient.OP_TYPE) && layout.computedByItsConvolution(node)) {
            return true; // the convolution it reads writes its output (and its bias sum's)
        }
        if (node.opType().equals(ReluGradient.OP_TYPE) && layout.biasSumOf(node) != null) {
            // a blocked ReluGrad and the bias sum of its output in one pass (the ReduceSum then writes nothing)
            out.node(FusedKernels.DOMAIN, "ReluGradBias", List.of(out.output(), out.name(layout.biasSumOf(node).output())),
                    Map.of("geometry", new long[] {blockSize}), out.input(0), out.input(1));
            return true;
        }
        if (node.opType().equals("ReduceSum") && layout.summedWithItsReluGradient(node)) {
            return true;
        }
        if (node.opType().equals("ReduceSum") && layout.blocked(node.input(0))) {
            emitBlockedBiasGradient(node, out);
            return true;
        }
        if (node.opType().equals(ConvWeightGradient.OP_TYPE)
                && (layout.blocked(node.input(0)) || layout.blocked(node.input(1)))) {
            out.node(FusedKernels.DOMAIN, "ConvWeightGrad", out.output(), Map.of("geometry", ConvWeightGradient.kernelGeometry(
                    node, layout.blocked(node.input(0)) ? blockSize : 0, layout.blocked(node.input(1)) ? blockSize : 0)),
                    out.input(0), out.input(1));
            return true;
        }
        return false;
    }

    /**
     * Conv {@code n} from fewer channels than a block and the ReLU gradient {@code relu} of its output, with that
     * gradient's bias sum where it has one, as one FewChannelConvReluGrad (the input is read as it lies, the weights
     * as they are).
     */
    private void emitFewChannelConvReluGrad(Node n, Node relu, Emitter out) {
        long[] w = n.input(1).shape().dims();
        long[] y = n.output().shape().dims();
        ConvGeometry geo = ConvGeometry.of(n);
        long[] geometry = {w[2], w[3], geo.stride(0), geo.stride(1), geo.dilation(0), geo.dilation(1), geo.padBegin(0),
                geo.padBegin(1), y[2], y[3], blockSize};
        Node sum = layout.biasSumOf(relu);
        out.node(FusedKernels.DOMAIN, "FewChannelConvReluGrad", List.of(out.name(relu.output()),
                        sum != null ? out.name(sum.output()) : out.output() + "_unused_bias_sum"),
                Map.of("geometry", geometry), out.input(0), out.input(1), out.name(relu.input(1)));
    }

    private void emitFewChannelDeconv(Node n, Emitter out) {
        long[] x = n.input(0).shape().dims();
        long[] w = n.input(1).shape().dims();
        ConvGeometry geo = ConvGeometry.of(n);
        long[] geometry = {w[2], w[3], geo.stride(0), geo.stride(1), geo.padBegin(0), geo.padBegin(1),
                outputSize(geo, 0, x[2], w[2]), outputSize(geo, 1, x[3], w[3]), blockSize};
        out.node(FusedKernels.DOMAIN, "FewChannelDeconv", out.output(), Map.of("geometry", geometry),
                out.input(0), out.input(1), out.input(2));
    }

    /**
     * A bias gradient, the sum of dy over batch and space, of a dy held in blocks ([N, C/B, H, W, B]
     * in memory): summed over space per image and block ([N·C/B, H·W, B] to [N·C/B, B]), then over
     * the images ([N, C] to [C]). Two reductions that ORT runs on its fast paths, where one over
     * axes 0, 2 and 3 of the five took 5 times as long as the NCHW sum.
     */
    private void emitBlockedBiasGradient(Node n, Emitter out) {
        long[] x = n.input(0).shape().dims();
        String y = out.output();
        out.longs(y + "_blocks_shape", -1, x[2] * x[3], blockSize);
        out.node("Reshape", y + "_blocks", out.input(0), y + "_blocks_shape");
        out.longs(y + "_space", 1);
        out.node("ReduceSum", y + "_per_image", Map.of("keepdims", 0L), y + "_blocks", y + "_space");
        out.longs(y + "_images_shape", -1, x[1]);
        out.node("Reshape", y + "_images", y + "_per_image", y + "_images_shape");
        out.longs(y + "_batch", 0);
        out.node("ReduceSum", y, Map.of("keepdims", 0L), y + "_images", y + "_batch");
    }

    private boolean takesConv(Node n) {
        Shape x = n.input(0).shape();
        Shape w = n.input(1).shape();
        return plain(n) && x.rank() == 4 && w.isStatic() && w.dim(0) % blockSize == 0 && readable(w.dim(1));
    }

    /** Whether an input of {@code channels} is read in blocks or as it is (fewer than a block). */
    private boolean readable(long channels) {
        return channels % blockSize == 0 || channels < blockSize;
    }

    private static boolean plain(Node n) {
        ConvGeometry geo = ConvGeometry.of(n);
        return n.longAttr("group", 1) == 1 && geo.dilation(0) == 1 && geo.dilation(1) == 1
                && !n.attributes().containsKey("auto_pad") && !n.attributes().containsKey("output_shape");
    }

    private void emitConv(Node n, Emitter out) {
        long[] w = n.input(1).shape().dims();
        String y = out.output();
        String input = input(n, out, w[1]);
        String filter = filter(out, out.input(1), y + "_nchwc_w", w[0], w[1], w[2], w[3]);
        ConvGeometry geo = ConvGeometry.of(n);
        Map<String, Object> attributes = convAttributes(geo.strides(), geo.pads(), new long[] {w[2], w[3]});
        if (layout.appliesRelu(n)) {
            attributes.put("activation", "Relu");
        }
        boolean blockedOut = layout.blocked(n.output());
        out.node(DOMAIN, "Conv", blockedOut ? y : y + "_nchwc", attributes, withBias(n, out, input, filter));
        if (!blockedOut) {
            out.node(DOMAIN, "ReorderOutput", y, Map.of("channels", w[0]), y + "_nchwc");
        }
    }

    /** The input of conv node {@code n} as the NCHWc Conv reads it: blocked, or as it is where it has fewer channels. */
    private String input(Node n, Emitter out, long channels) {
        return blocked(channels) && !layout.blocked(n.input(0)) ? reorderInput(out, 0, out.output()) : out.input(0);
    }

    private boolean blocked(long channels) {
        return channels >= blockSize;
    }

    private boolean takesConvTranspose(Node n) {
        Shape x = n.input(0).shape();
        Shape w = n.input(1).shape();
        if (!plain(n) || x.rank() != 4 || !w.isStatic() || w.dim(1) % blockSize != 0 || !readable(w.dim(0))) {
            return false;
        }
        ConvGeometry geo = ConvGeometry.of(n);
        for (int axis = 0; axis < 2; axis++) {
            long size = x.dim(axis + 2);
            long stride = geo.stride(axis);
            long kernel = w.dim(axis + 2);
            if (Shape.isSymbolic(size) || kernel % stride != 0 || outputSize(geo, axis, size, kernel) % stride != 0) {
                return false;
            }
            for (long phase = 0; phase < stride; phase++) {
                long[] pads = phasePads(geo, axis, size, kernel, phase);
                if (pads[0] < 0 || pads[1] < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long outputSize(ConvGeometry geo, int axis, long size, long kernel) {
        return geo.stride(axis) * (size - 1) + geo.outputPadding(axis) + kernel - geo.padBegin(axis) - geo.padEnd(axis);
    }

    /** The begin and end padding of output phase {@code phase}'s stride-1 convolution on {@code axis}. */
    private static long[] phasePads(ConvGeometry geo, int axis, long size, long kernel, long phase) {
        long stride = geo.stride(axis);
        long taps = kernel / stride;
        long c = (phase + geo.padBegin(axis)) / stride;
        long rows = outputSize(geo, axis, size, kernel) / stride;
        return new long[] {taps - 1 - c, rows + c - size};
    }

    /** The kernel taps output phase {@code phase} reads on {@code axis}, reversed: {@code t0 + s·(k/s - 1 - a)}. */
    private static long[] phaseTaps(ConvGeometry geo, int axis, long kernel, long phase) {
        long stride = geo.stride(axis);
        long taps = kernel / stride;
        long first = (phase + geo.padBegin(axis)) % stride;
        long[] picked = new long[Math.toIntExact(taps)];
        for (int a = 0; a < taps; a++) {
            picked[a] = first + stride * (taps - 1 - a);
        }
        return picked;
    }

    private void emitConvTranspose(Node n, Emitter out) {
        long[] x = n.input(0).shape().dims();
        long[] w = n.input(1).shape().dims();
        long channelsIn = w[0];
        long channelsOut = w[1];
        ConvGeometry geo = ConvGeometry.of(n);
        long[] strides = geo.strides();
        long[] rows = new long[2];
        long[] taps = new long[2];
        for (int axis = 0; axis < 2; axis++) {
            rows[axis] = outputSize(geo, axis, x[axis + 2], w[axis + 2]) / strides[axis];
            taps[axis] = w[axis + 2] / strides[axis];
        }
        String y = out.output();
        String input = input(n, out, channelsIn);
        String perPhase = y + "_nchwc_phase_shape";
        if (!interleaveKernel) {
            out.longs(perPhase, -1, channelsOut / blockSize, rows[0], 1, rows[1], 1, blockSize);
        }
        List<String> filters = phaseFilters(out, geo, y + "_nchwc_phases", out.input(1), w, taps);
        List<String> phases = new ArrayList<>();
        List<String> phaseRows = new ArrayList<>();
        for (long ph = 0; ph < strides[0]; ph++) {
            List<String> phaseColumns = new ArrayList<>();
            for (long pw = 0; pw < strides[1]; pw++) {
                String name = y + "_nchwc_" + ph + "_" + pw;
                long[] hPads = phasePads(geo, 0, x[2], w[2], ph);
                long[] wPads = phasePads(geo, 1, x[3], w[3], pw);
                String filter = filters.get(Math.toIntExact(ph * strides[1] + pw));
                out.node(DOMAIN, "Conv", name, convAttributes(new long[] {1, 1},
                        new long[] {hPads[0], wPads[0], hPads[1], wPads[1]}, taps), withBias(n, out, input, filter));
                phases.add(name);
                if (!interleaveKernel) {
                    out.node("Reshape", name + "_7d", name, perPhase);
                    phaseColumns.add(name + "_7d");
                }
            }
            if (!interleaveKernel) {
                phaseRows.add(concat(out, phaseColumns, 5, y + "_nchwc_row" + ph));
            }
        }
        Node reluGradient = layout.reluGradientOf(n);
        if (reluGradient != null) {
            // the ReLU gradient of the layer before (and its bias sum) on the way: InterleaveReluGrad
            Node sum = layout.biasSumOf(reluGradient);
            List<String> inputs = new ArrayList<>(phases);
            inputs.add(out.name(reluGradient.input(1)));
            out.node(FusedKernels.DOMAIN, "InterleaveReluGrad", List.of(out.name(reluGradient.output()),
                            sum != null ? out.name(sum.output()) : y + "_unused_bias_sum"),
                    Map.of("geometry", new long[] {strides[0], strides[1], channelsOut, blockSize}), inputs.toArray(String[]::new));
            return;
        }
        if (interleaveKernel) {
            long layoutFlags = (layout.appliesRelu(n) ? 1 : 0) | (layout.blocked(n.output()) ? 2 : 0);
            out.node(FusedKernels.DOMAIN, "InterleavePhases", y, Map.of("geometry",
                    new long[] {strides[0], strides[1], channelsOut, blockSize, layoutFlags}), phases.toArray(String[]::new));
            return;
        }
        String interleaved = concat(out, phaseRows, 3, y + "_nchwc_rows");
        out.longs(y + "_nchwc_shape", -1, channelsOut, rows[0] * strides[0], rows[1] * strides[1]);
        out.node("Reshape", y + "_nchwc", interleaved, y + "_nchwc_shape");
        out.node(DOMAIN, "ReorderOutput", y, Map.of("channels", channelsOut), y + "_nchwc");
    }

    /**
     * The NCHWc filters of a transposed convolution's s0·s1 phases, in phase order (row phase major):
     * each phase's taps (reversed, {@link #phaseTaps}) of the weights [channels, filters, kH, kW], in
     * the layout {@link #filter} writes, made for all phases at once (as {@link #filter} says) and cut
     * apart by a Split: two nodes per layer where a Gather pair and a reorder per phase made twenty for
     * a stride-2 kernel, each a few microseconds of work and tens of dispatch.
     */
    private List<String> phaseFilters(Emitter out, ConvGeometry geo, String name, String weights, long[] w, long[] taps) {
        long channels = w[0];
        long filters = w[1];
        int count = Math.toIntExact(geo.stride(0) * geo.stride(1));
        List<String> phaseFilters = new ArrayList<>();
        for (int phase = 0; phase < count; phase++) {
            phaseFilters.add(name + "_w" + phase);
        }
        // every phase's filter declared [filters, channels, T0, T1], as the NCHWc Conv reads it
        String stacked = count == 1 ? phaseFilters.get(0) : name + "_stacked";
        if (interleaveKernel) {
            // vaelab's kernel writes what the table gathers (the kernels are there whenever the interleave's is)
            out.node(FusedKernels.DOMAIN, "NchwcFilter", stacked, Map.of("geometry", new long[] {filters, channels,
                    w[2], w[3], blockSize, 1, geo.stride(0), geo.stride(1), geo.padBegin(0), geo.padBegin(1)}), weights);
        } else {
            gathered(out, weights, stacked, phaseIndex(geo, w), new long[] {count * filters, channels, taps[0], taps[1]});
        }
        if (count == 1) {
            return phaseFilters;
        }
        long[] sizes = new long[count];
        java.util.Arrays.fill(sizes, filters);
        out.longs(name + "_sizes", sizes);
        out.node("", "Split", phaseFilters, Map.of("axis", 0L), name + "_stacked", name + "_sizes");
        return phaseFilters;
    }

    /** Where each value of {@link #phaseFilters}' stacked filters comes from in the weights [channels, filters, kH, kW]. */
    private long[] phaseIndex(ConvGeometry geo, long[] w) {
        long channels = w[0];
        long filters = w[1];
        long b = blockSize;
        long channelBlock = blocked(channels) ? b : 1;
        long[] index = new long[Math.toIntExact(channels * filters * w[2] * w[3])];
        int at = 0;
        for (long ph = 0; ph < geo.stride(0); ph++) {
            long[] rows = phaseTaps(geo, 0, w[2], ph);
            for (long pw = 0; pw < geo.stride(1); pw++) {
                long[] cols = phaseTaps(geo, 1, w[3], pw);
                for (long fb = 0; fb < filters / b; fb++) {
                    for (long cb = 0; cb < channels / channelBlock; cb++) {
                        for (long row : rows) {
                            for (long col : cols) {
                                for (long ci = 0; ci < channelBlock; ci++) {
                                    for (long fo = 0; fo < b; fo++) {
                                        long c = cb * channelBlock + ci;
                                        index[at++] = ((c * filters + fb * b + fo) * w[2] + row) * w[3] + col;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return index;
    }

    private static String concat(Emitter out, List<String> parts, long axis, String name) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        out.node("Concat", name, Map.of("axis", axis), parts.toArray(String[]::new));
        return name;
    }

    private static String reorderInput(Emitter out, int input, String y) {
        String name = y + "_nchwc_x";
        out.node(DOMAIN, "ReorderInput", name, Map.of(), out.input(input));
        return name;
    }

    /**
     * The NCHWc filter of a convolution from {@code channels} to {@code filters}, from weights laid out
     * [filters, channels, kH, kW]: to output-channel blocks, then input-channel blocks, kernel rows,
     * columns, input channel within its block, output channel within its block; or, for an input read
     * as it is (fewer channels than a block), [filters/B, channels, kH, kW, B]. Declared as
     * [filters, channels, kH, kW]. Written by vaelab's NchwcFilter kernel where the kernels are, else by
     * one Gather of the flattened weights by a table of where each value comes from: ORT's Transpose of
     * the six-axis form, and that Gather, take a third of a millisecond per filter, the kernel microseconds.
     */
    private String filter(Emitter out, String weights, String name, long filters, long channels, long kh, long kw) {
        if (interleaveKernel) {
            out.node(FusedKernels.DOMAIN, "NchwcFilter", name, Map.of("geometry",
                    new long[] {filters, channels, kh, kw, blockSize, 0, 1, 1, 0, 0}), weights);
            return name;
        }
        return gathered(out, weights, name, filterIndex(filters, channels, kh, kw), new long[] {filters, channels, kh, kw});
    }

    /** Where each value of {@link #filter}'s output comes from in the weights [filters, channels, kH, kW]. */
    private long[] filterIndex(long filters, long channels, long kh, long kw) {
        long b = blockSize;
        long[] index = new long[Math.toIntExact(filters * channels * kh * kw)];
        int at = 0;
        long channelBlock = blocked(channels) ? b : 1;
        for (long fb = 0; fb < filters / b; fb++) {
            for (long cb = 0; cb < channels / channelBlock; cb++) {
                for (long i = 0; i < kh; i++) {
                    for (long j = 0; j < kw; j++) {
                        for (long ci = 0; ci < channelBlock; ci++) {
                            for (long fo = 0; fo < b; fo++) {
                                index[at++] = (((fb * b + fo) * channels + cb * channelBlock + ci) * kh + i) * kw + j;
                            }
                        }
                    }
                }
            }
        }
        return index;
    }

    /** {@code weights} flattened and gathered at {@code index}, shaped {@code shape}. */
    private static String gathered(Emitter out, String weights, String name, long[] index, long[] shape) {
        out.longs(name + "_flat_shape", -1);
        out.node("Reshape", name + "_flat", weights, name + "_flat_shape");
        out.longs(name + "_index", index);
        out.node("Gather", name + "_gathered", Map.of("axis", 0L), name + "_flat", name + "_index");
        out.longs(name + "_shape", shape);
        out.node("Reshape", name, name + "_gathered", name + "_shape");
        return name;
    }

    private static String[] withBias(Node n, Emitter out, String input, String filter) {
        boolean bias = n.inputs().size() > 2 && n.input(2) != null;
        return bias ? new String[] {input, filter, out.input(2)} : new String[] {input, filter};
    }

    private static Map<String, Object> convAttributes(long[] strides, long[] pads, long[] kernel) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("strides", strides);
        attributes.put("pads", pads);
        attributes.put("kernel_shape", kernel);
        return attributes;
    }
}
