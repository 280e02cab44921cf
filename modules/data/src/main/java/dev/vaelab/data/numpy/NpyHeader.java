package dev.vaelab.data.numpy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} array: the magic {@code \x93NUMPY}, a version (1.0, 2.0 or 3.0), the
 * length of the header text (2 bytes little-endian in 1.0, 4 in 2.0 and 3.0) and the text itself, a
 * Python dict literal with {@code descr}, {@code fortran_order} and {@code shape}.
 *
 * @param dtype the element type
 * @param fortranOrder whether the data is stored column-major
 * @param shape the dimensions; empty for a scalar
 * @param dataOffset bytes from the start of the array to its data
 */
public record NpyHeader(NpyDtype dtype, boolean fortranOrder, long[] shape, long dataOffset) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** A header is text of a few hundred bytes; anything far larger is a corrupt length field. */
    private static final int MAX_HEADER_TEXT = 1 << 20;

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements, the product of the shape. */
    public long count() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes of data; 0 for types without a fixed item size. */
    public long dataBytes() {
        return Math.multiplyExact(count(), dtype.itemSize());
    }

    /** The shape as NumPy prints it, e.g. {@code (737280, 64, 64)}. */
    public String shapeText() {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return "(" + String.join(", ", Arrays.stream(shape).mapToObj(Long::toString).toList()) + ")";
    }

    /** Reads the header from the start of {@code in}, leaving the stream at the first data byte. */
    static NpyHeader read(InputStream in) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new NpyFormatException("not a NumPy .npy array (it does not start with \\x93NUMPY)");
        }
        byte[] version = in.readNBytes(2);
        if (version.length < 2) {
            throw new NpyFormatException("truncated .npy header");
        }
        int major = version[0];
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw new NpyFormatException(".npy format version " + major + "." + version[1] + " is not supported (1.0, 2.0 and 3.0 are)");
        };
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw new NpyFormatException("truncated .npy header");
        }
        long length = 0;
        for (int i = lengthBytes - 1; i >= 0; i--) {
            length = length << 8 | (lengthField[i] & 0xff);
        }
        if (length > MAX_HEADER_TEXT) {
            throw new NpyFormatException(".npy header declares " + length + " bytes of header text, more than any real header has");
        }
        byte[] text = in.readNBytes((int) length);
        if (text.length < length) {
            throw new NpyFormatException("truncated .npy header");
        }
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(dict, MAGIC.length + 2 + lengthBytes + length);
    }

    private static NpyHeader parse(String text, long dataOffset) throws NpyFormatException {
        Object literal;
        try {
            literal = PyLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException("bad .npy header: " + e.getMessage());
        }
        if (!(literal instanceof Map<?, ?> dict)) {
            throw new NpyFormatException("bad .npy header: not a dict: " + text.strip());
        }
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shape = dict.get("shape");
        if (descr instanceof List<?>) {
            throw new NpyFormatException("structured dtype " + descr + " is not supported; save each field as its own array");
        }
        if (!(descr instanceof String d) || !(fortran instanceof Boolean f) || !(shape instanceof List<?> dims)) {
            throw new NpyFormatException("bad .npy header: it needs 'descr' (a string), 'fortran_order' (True or False) and 'shape' (a tuple): "
                    + text.strip());
        }
        long[] sizes = new long[dims.size()];
        for (int i = 0; i < sizes.length; i++) {
            if (!(dims.get(i) instanceof Long size) || size < 0) {
                throw new NpyFormatException("bad .npy header: shape " + dims + " must hold non-negative integers");
            }
            sizes[i] = size;
        }
        NpyHeader header = new NpyHeader(NpyDtype.parse(d), f, sizes, dataOffset);
        try {
            header.dataBytes();
        } catch (ArithmeticException e) {
            throw new NpyFormatException("bad .npy header: shape " + header.shapeText() + " overflows");
        }
        return header;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && dtype.equals(h.dtype) && fortranOrder == h.fortranOrder && Arrays.equals(shape, h.shape)
                && dataOffset == h.dataOffset;
    }

    @Override
    public int hashCode() {
        return dtype.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return dtype + " " + shapeText() + (fortranOrder ? " fortran_order" : "");
    }
}
