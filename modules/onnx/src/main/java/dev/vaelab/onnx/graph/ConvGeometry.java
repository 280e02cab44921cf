package dev.vaelab.onnx.graph;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a 2-D {@code Conv} or {@code ConvTranspose} slides its kernel, as ONNX spells it: strides
 * and dilations per spatial axis (height, width), {@code pads} as [hBegin, wBegin, hEnd, wEnd],
 * and, for ConvTranspose only, {@code outputPadding} (extra rows/columns at the high end of the
 * output). Models use symmetric pads and dilation 1 ({@link #of(int, int)}); the gradient rules
 * need the general form (a weight gradient is a convolution dilated by the forward stride).
 */
public record ConvGeometry(long[] strides, long[] pads, long[] dilations, long[] outputPadding) {
    public ConvGeometry {
        strides = checked("strides", strides, 2, 1);
        pads = checked("pads", pads, 4, 0);
        dilations = checked("dilations", dilations, 2, 1);
        outputPadding = checked("output_padding", outputPadding, 2, 0);
    }

    /** The same stride and padding on both axes, dilation 1, no output padding. */
    public static ConvGeometry of(int stride, int padding) {
        return of(stride, padding, 0);
    }

    /** As {@link #of(int, int)}, with an output padding on both axes (for ConvTranspose). */
    public static ConvGeometry of(int stride, int padding, int outputPadding) {
        return new ConvGeometry(new long[] {stride, stride}, new long[] {padding, padding, padding, padding},
                new long[] {1, 1}, new long[] {outputPadding, outputPadding});
    }

    /** The geometry recorded in a Conv or ConvTranspose node's attributes. */
    public static ConvGeometry of(Node node) {
        Map<String, Object> a = node.attributes();
        return new ConvGeometry((long[]) a.get("strides"), (long[]) a.get("pads"), (long[]) a.get("dilations"),
                a.containsKey("output_padding") ? (long[]) a.get("output_padding") : new long[2]);
    }

    @Override
    public long[] strides() {
        return strides.clone();
    }

    @Override
    public long[] pads() {
        return pads.clone();
    }

    @Override
    public long[] dilations() {
        return dilations.clone();
    }

    @Override
    public long[] outputPadding() {
        return outputPadding.clone();
    }

    public long stride(int axis) {
        return strides[axis];
    }

    public long padBegin(int axis) {
        return pads[axis];
    }

    public long padEnd(int axis) {
        return pads[axis + 2];
    }

    public long dilation(int axis) {
        return dilations[axis];
    }

    public long outputPadding(int axis) {
        return outputPadding[axis];
    }

    /** The extent of a kernel of {@code k} taps on {@code axis}: {@code d·(k-1) + 1}. */
    public long span(int axis, long k) {
        return dilations[axis] * (k - 1) + 1;
    }

    /**
     * Conv's output size on {@code axis}: {@code floor((in + pads - span) / stride) + 1}; the rows
     * past the last full window, {@link #convRemainder} of them, are not read.
     */
    public long convOutput(int axis, long in, long k) {
        long room = in + padBegin(axis) + padEnd(axis) - span(axis, k);
        if (room < 0) {
            throw new IllegalArgumentException("a kernel spanning " + span(axis, k) + " does not fit an input of "
                    + in + " padded by " + padBegin(axis) + "+" + padEnd(axis));
        }
        return room / stride(axis) + 1;
    }

    /** The padded input rows on {@code axis} after Conv's last window: {@code (in + pads - span) mod stride}. */
    public long convRemainder(int axis, long in, long k) {
        return (in + padBegin(axis) + padEnd(axis) - span(axis, k)) % stride(axis);
    }

    /** ConvTranspose's output size on {@code axis}: {@code stride·(in-1) + outputPadding + span - pads}. */
    public long transposeOutput(int axis, long in, long k) {
        long out = stride(axis) * (in - 1) + outputPadding(axis) + span(axis, k) - padBegin(axis) - padEnd(axis);
        if (out < 1) {
            throw new IllegalArgumentException("ConvTranspose pads " + Arrays.toString(pads)
                    + " leave no output for an input of " + in);
        }
        return out;
    }

    /** ONNX attributes for a node with a {@code kh × kw} kernel (output_padding only for ConvTranspose). */
    public Map<String, Object> attributes(long kh, long kw, boolean transpose) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("kernel_shape", new long[] {kh, kw});
        a.put("strides", strides.clone());
        a.put("pads", pads.clone());
        a.put("dilations", dilations.clone());
        a.put("group", 1L);
        if (transpose) {
            a.put("output_padding", outputPadding.clone());
        }
        return a;
    }

    private static long[] checked(String name, long[] values, int length, long min) {
        if (values == null || values.length != length || Arrays.stream(values).anyMatch(v -> v < min)) {
            throw new IllegalArgumentException(name + " must be " + length + " values of at least " + min + ", got "
                    + Arrays.toString(values));
        }
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvGeometry c && Arrays.equals(strides, c.strides) && Arrays.equals(pads, c.pads)
                && Arrays.equals(dilations, c.dilations) && Arrays.equals(outputPadding, c.outputPadding);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new long[][] {strides, pads, dilations, outputPadding});
    }

    @Override
    public String toString() {
        return "ConvGeometry[strides=" + Arrays.toString(strides) + ", pads=" + Arrays.toString(pads)
                + ", dilations=" + Arrays.toString(dilations) + ", outputPadding=" + Arrays.toString(outputPadding) + "]";
    }
}
