package dev.vaelab.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads gzip-compressed IDX files (LeCun's format for MNIST): a big-endian magic number
 * {@code 0x000008NN} (unsigned bytes, NN dimensions), one 32-bit size per dimension, then exactly the
 * declared number of bytes.
 */
final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    /** The content of an images file. */
    record Images(int count, int rows, int columns, byte[] pixels) {}

    private IdxReader() {}

    /** Reads a {@code [count, rows, columns]} uint8 file, verifying {@code checksum} when given. */
    static Images readImages(Path file, Optional<Checksum> checksum) {
        return VerifiedGzip.read(file, checksum, in -> {
            int[] dims = header(in, IMAGES_MAGIC, 3, "images");
            long bytes = (long) dims[0] * dims[1] * dims[2];
            String declared = dims[0] + " images of " + dims[1] + "x" + dims[2];
            return new Images(dims[0], dims[1], dims[2], payload(in, bytes, declared));
        });
    }

    /** Reads a {@code [count]} uint8 labels file as ints, verifying {@code checksum} when given. */
    static int[] readLabels(Path file, Optional<Checksum> checksum) {
        return VerifiedGzip.read(file, checksum, in -> {
            int count = header(in, LABELS_MAGIC, 1, "labels")[0];
            byte[] raw = payload(in, count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        });
    }

    private static int[] header(InputStream in, int magic, int rank, String kind) throws IOException {
        int actual = readInt(in, "magic number");
        if (actual != magic) {
            String hint = actual == IMAGES_MAGIC ? " (this is an images file)" : actual == LABELS_MAGIC ? " (this is a labels file)" : "";
            throw new FormatException(String.format("bad IDX magic 0x%08X%s, expected 0x%08X for %s", actual, hint, magic, kind));
        }
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            dims[d] = readInt(in, "size of dimension " + d);
            if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
                throw new FormatException("bad IDX size of dimension " + d + ": " + dims[d]);
            }
        }
        return dims;
    }

    private static byte[] payload(InputStream in, long bytes, String declared) throws IOException {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new FormatException("header declares " + declared + ", more than one array can hold");
        }
        byte[] data = new byte[(int) bytes];
        int read = in.readNBytes(data, 0, data.length);
        if (read < data.length) {
            throw new FormatException("truncated: the header declares " + declared + " (" + bytes + " bytes) but only " + read + " bytes follow");
        }
        return data;
    }

    private static int readInt(InputStream in, String what) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new FormatException("truncated IDX header: it ends inside the " + what);
        }
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
