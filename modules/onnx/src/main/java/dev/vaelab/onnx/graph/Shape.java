package dev.vaelab.onnx.graph;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A static tensor shape in which some axes may be symbolic: {@link #BATCH} (the batch axis, named
 * {@code N} in exported files) and {@link #STEPS} (the steps of a training call). Static shapes let
 * the autodiff reduce a broadcast operand's gradient back to its own shape at build time.
 */
public record Shape(long[] dims) {
    /** The symbolic batch axis. */
    public static final long BATCH = -1;
    /** The symbolic number of steps in one training call. */
    public static final long STEPS = -2;

    public Shape {
        dims = dims.clone();
        for (long d : dims) {
            if (d < STEPS) {
                throw new IllegalArgumentException("bad dimension " + d + " in " + Arrays.toString(dims));
            }
        }
    }

    public static Shape of(long... dims) {
        return new Shape(dims);
    }

    public static Shape scalar() {
        return new Shape(new long[0]);
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int axis) {
        return dims[axis < 0 ? axis + dims.length : axis];
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public boolean isStatic() {
        return Arrays.stream(dims).allMatch(d -> d >= 0);
    }

    public static boolean isSymbolic(long d) {
        return d < 0;
    }

    /** The number of elements; only for static shapes. */
    public long size() {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalStateException("shape " + this + " has a symbolic axis");
            }
            n *= d;
        }
        return n;
    }

    /** This shape with a leading axis prepended. */
    public Shape prepend(long d) {
        long[] out = new long[dims.length + 1];
        out[0] = d;
        System.arraycopy(dims, 0, out, 1, dims.length);
        return new Shape(out);
    }

    /** This shape without its leading axis. */
    public Shape dropFirst() {
        return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
    }

    /** This shape with symbolic axes replaced by concrete sizes. */
    public long[] concrete(long batch, long steps) {
        long[] out = dims.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == BATCH) {
                out[i] = batch;
            } else if (out[i] == STEPS) {
                out[i] = steps;
            }
        }
        return out;
    }

    /** Numpy-style broadcast of two shapes; symbolic axes broadcast with 1 or with themselves. */
    public static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.rank());
            int ib = i - (rank - b.rank());
            long da = ia < 0 ? 1 : a.dims[ia];
            long db = ib < 0 ? 1 : b.dims[ib];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
            }
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.stream(dims)
                .mapToObj(d -> d == BATCH ? "N" : d == STEPS ? "S" : Long.toString(d))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
