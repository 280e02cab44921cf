package dev.vaelab.onnx.graph;

import java.util.Arrays;

/** The payload of a constant: doubles (stored as the tensor's float type) or longs, with a shape. */
public record ConstantValue(DType dtype, long[] shape, double[] doubles, long[] longs) {
    public ConstantValue {
        shape = shape.clone();
        doubles = doubles == null ? null : doubles.clone();
        longs = longs == null ? null : longs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConstantValue c && dtype == c.dtype && Arrays.equals(shape, c.shape)
                && Arrays.equals(doubles, c.doubles) && Arrays.equals(longs, c.longs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(doubles) + Arrays.hashCode(longs);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
