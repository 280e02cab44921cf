package dev.vaelab.data.numpy;

import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * One NumPy array in a {@code .npy} file or an {@code .npz} member: its header, read when the file
 * was opened, and ways to read its data, which is read only when asked for.
 *
 * <p>Small arrays (labels, factors) are read whole as {@code long[]} or {@code double[]}, up to
 * {@link #MAX_WHOLE_ELEMENTS}; large ones (images) are streamed in chunks of whole rows along the first
 * axis, so a 3 GB member never needs 3 GB of heap.
 *
 * <p>Every problem is a {@link DataException} that starts with {@link #where()}, e.g.
 * {@code dsprites.npz[imgs]}.
 */
public final class NpyArray {
    /** The most elements {@link #readLongs} and {@link #readDoubles} read into one array (128 MB of longs). */
    public static final int MAX_WHOLE_ELEMENTS = 1 << 24;

    /** Opens the array's bytes from its first header byte. */
    @FunctionalInterface
    interface Source {
        InputStream open() throws IOException;
    }

    /** Receives rows {@code [firstRow, firstRow + rows)} as a buffer in the array's byte order, indexed from 0. */
    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(long firstRow, int rows, ByteBuffer data);
    }

    /** Like {@link ChunkConsumer}, and says whether to go on reading. */
    @FunctionalInterface
    public interface ChunkVisitor {
        boolean visit(long firstRow, int rows, ByteBuffer data);
    }

    private final String where;
    private final NpyHeader header;
    private final Source source;
    private final Path file;
    private final OptionalLong start;

    /**
     * @param start where the array's bytes (its header) start in {@code file} when they are stored
     *     there as they are (a {@code .npy} file, a stored {@code .npz} member); empty for a deflated member
     */
    NpyArray(String where, NpyHeader header, Source source, Path file, OptionalLong start) {
        this.where = where;
        this.header = header;
        this.source = source;
        this.file = file;
        this.start = start;
    }

    /** The file that holds the array. */
    public Path file() {
        return file;
    }

    /**
     * Where the data starts in {@link #file()}, for reading at an offset or mapping, when the array is
     * stored uncompressed (a {@code .npy} file, or an {@code .npz} member written by {@code np.savez});
     * empty for a deflated member ({@code np.savez_compressed}), which only {@link #forEachChunk} reads.
     */
    public OptionalLong dataPosition() {
        return start.isPresent() ? OptionalLong.of(start.getAsLong() + header.dataOffset()) : OptionalLong.empty();
    }

    /** The file and member this array comes from, as messages name it. */
    public String where() {
        return where;
    }

    public NpyHeader header() {
        return header;
    }

    public NpyDtype dtype() {
        return header.dtype();
    }

    public long[] shape() {
        return header.shape();
    }

    public int rank() {
        return header.shape().length;
    }

    /** The number of rows (the first dimension); 1 for a scalar. */
    public long rows() {
        long[] shape = header.shape();
        return shape.length == 0 ? 1 : shape[0];
    }

    /** Elements per row, the product of every dimension but the first. */
    public long rowElements() {
        long[] shape = header.shape();
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Every element as a long, row-major; needs an integer or bool dtype and at most {@link #MAX_WHOLE_ELEMENTS} elements. */
    public long[] readLongs() {
        if (!dtype().isInteger()) {
            throw error("dtype " + dtype() + " is not an integer type (int8 to int64, uint8 to uint64 or bool)");
        }
        long[] out = new long[wholeCount()];
        int[] next = {0};
        forEachChunk(1 << 20, (first, rows, data) -> {
            int n = (int) (rows * rowElements());
            for (int i = 0; i < n; i++) {
                long v = dtype().getLong(data, i);
                if (v < 0 && dtype().kind() == NpyDtype.Kind.UNSIGNED) {
                    throw error("element " + (next[0] + i) + " is larger than a signed 64-bit integer");
                }
                out[next[0] + i] = v;
            }
            next[0] += n;
        });
        return out;
    }

    /** Every element as a double, row-major; needs a numeric dtype and at most {@link #MAX_WHOLE_ELEMENTS} elements. */
    public double[] readDoubles() {
        requireNumeric();
        double[] out = new double[wholeCount()];
        int[] next = {0};
        forEachChunk(1 << 20, (first, rows, data) -> {
            int n = (int) (rows * rowElements());
            for (int i = 0; i < n; i++) {
                out[next[0] + i] = dtype().getDouble(data, i);
            }
            next[0] += n;
        });
        return out;
    }

    /**
     * Streams the data in chunks of whole rows of at most {@code maxChunkBytes} (at least one row per chunk).
     * The buffer is reused between chunks: copy what must outlive the call.
     */
    public void forEachChunk(int maxChunkBytes, ChunkConsumer consumer) {
        visitChunks(maxChunkBytes, (first, rows, data) -> {
            consumer.accept(first, rows, data);
            return true;
        });
    }

    /** Streams chunks as {@link #forEachChunk} does until {@code visitor} returns false. */
    public void visitChunks(int maxChunkBytes, ChunkVisitor visitor) {
        requireNumeric();
        if (header.fortranOrder() && rank() > 1) {
            throw error("the array is stored in Fortran (column-major) order, which is not supported; save it with "
                    + "np.ascontiguousarray(a) to store it in C order");
        }
        long rowBytes = rowElements() * dtype().itemSize();
        if (rowBytes > Integer.MAX_VALUE - 8) {
            throw error("one row of shape " + header.shapeText() + " has " + rowBytes + " bytes, more than one buffer can hold");
        }
        long rows = rows();
        int rowsPerChunk = (int) Math.max(1, Math.min(rows, maxChunkBytes / Math.max(1, rowBytes)));
        ByteBuffer buffer = ByteBuffer.allocate((int) (rowsPerChunk * rowBytes)).order(dtype().order());
        byte[] bytes = buffer.array();
        try (InputStream in = source.open()) {
            in.skipNBytes(header.dataOffset());
            for (long row = 0; row < rows; row += rowsPerChunk) {
                int count = (int) Math.min(rowsPerChunk, rows - row);
                int length = (int) (count * rowBytes);
                int read = in.readNBytes(bytes, 0, length);
                if (read < length) {
                    long had = row * rowBytes + read;
                    throw error("truncated: the header declares " + header + " (" + header.dataBytes() + " bytes of data) but only "
                            + had + " bytes follow");
                }
                if (!visitor.visit(row, count, buffer)) {
                    return;
                }
            }
        } catch (java.io.EOFException e) {
            throw error("truncated: it ends inside its header");
        } catch (IOException e) {
            throw error("cannot read: " + e.getMessage());
        }
    }

    /** The one-line error {@code where: message}. */
    public DataException error(String message) {
        return new DataException(where + ": " + message);
    }

    private int wholeCount() {
        long count = header.count();
        if (count > MAX_WHOLE_ELEMENTS) {
            throw error("shape " + header.shapeText() + " has " + count + " elements, more than the " + MAX_WHOLE_ELEMENTS
                    + " read whole; labels and factors are expected to be small");
        }
        return (int) count;
    }

    private void requireNumeric() {
        switch (dtype().kind()) {
            case OBJECT -> throw error("dtype " + dtype() + " holds pickled Python objects, which cannot be read; "
                    + "save numbers as a numeric array");
            case UNSUPPORTED -> throw error("dtype " + dtype() + " is not supported (bool, int8 to int64, uint8 to uint64, float32 and "
                    + "float64 are)");
            default -> { }
        }
    }

    /** The array's element type, shape and source, e.g. {@code dsprites.npz[imgs]: |u1 (737280, 64, 64)}. */
    @Override
    public String toString() {
        return where + ": " + header;
    }
}
