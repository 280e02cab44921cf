package dev.vaelab.data.numpy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A NumPy scalar type as its {@code descr} string spells it: a byte-order character ({@code <} little,
 * {@code >} big, {@code |} not applicable, {@code =} native), a kind character and the item size, e.g.
 * {@code <f8}, {@code |u1}, {@code |b1}.
 *
 * <p>Types this reader cannot interpret (complex numbers, half floats, strings, pickled objects) still
 * parse, so that an archive holding them opens and only reading such a member fails.
 *
 * @param descr the descr string as found in the header
 * @param kind what the bytes mean
 * @param itemSize bytes per element
 * @param order the byte order of multi-byte elements
 */
public record NpyDtype(String descr, Kind kind, int itemSize, ByteOrder order) {
    /** What an element's bytes mean. */
    public enum Kind {
        BOOL,
        SIGNED,
        UNSIGNED,
        FLOAT,
        /** Python objects, pickled: {@code |O}. */
        OBJECT,
        /** A type this reader does not interpret. */
        UNSUPPORTED
    }

    /** Parses a descr string; never fails, unknown types are {@link Kind#UNSUPPORTED}. */
    public static NpyDtype parse(String descr) {
        if (descr.length() < 2) {
            return new NpyDtype(descr, Kind.UNSUPPORTED, 0, ByteOrder.LITTLE_ENDIAN);
        }
        char orderChar = descr.charAt(0);
        ByteOrder order = switch (orderChar) {
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> ByteOrder.LITTLE_ENDIAN;
        };
        String rest = "<>|=".indexOf(orderChar) >= 0 ? descr.substring(1) : descr;
        if (rest.equals("O") || rest.equals("O8") || rest.equals("O4")) {
            return new NpyDtype(descr, Kind.OBJECT, 0, order);
        }
        int size;
        try {
            size = Integer.parseInt(rest.substring(1));
        } catch (NumberFormatException e) {
            return new NpyDtype(descr, Kind.UNSUPPORTED, 0, order);
        }
        Kind kind = switch (rest.charAt(0)) {
            case 'b' -> size == 1 ? Kind.BOOL : Kind.UNSUPPORTED;
            case 'i' -> size == 1 || size == 2 || size == 4 || size == 8 ? Kind.SIGNED : Kind.UNSUPPORTED;
            case 'u' -> size == 1 || size == 2 || size == 4 || size == 8 ? Kind.UNSIGNED : Kind.UNSUPPORTED;
            case 'f' -> size == 4 || size == 8 ? Kind.FLOAT : Kind.UNSUPPORTED;
            default -> Kind.UNSUPPORTED;
        };
        return new NpyDtype(descr, kind, kind == Kind.UNSUPPORTED ? 0 : size, order);
    }

    /** Whether elements are numbers this reader can convert (bool counts as 0 and 1). */
    public boolean isNumeric() {
        return kind == Kind.BOOL || kind == Kind.SIGNED || kind == Kind.UNSIGNED || kind == Kind.FLOAT;
    }

    /** Whether elements are integers (bool included), so that {@link #getLong} is exact. */
    public boolean isInteger() {
        return kind == Kind.BOOL || kind == Kind.SIGNED || kind == Kind.UNSIGNED;
    }

    /** Whether this is {@code uint8}. */
    public boolean isUint8() {
        return kind == Kind.UNSIGNED && itemSize == 1;
    }

    /**
     * Element {@code index} of {@code data} (absolute, in elements) as a double; exact for every type but
     * 64-bit integers beyond 2^53. The buffer's byte order must be {@link #order()}.
     */
    public double getDouble(ByteBuffer data, int index) {
        int at = index * itemSize;
        return switch (kind) {
            case FLOAT -> itemSize == 4 ? data.getFloat(at) : data.getDouble(at);
            case UNSIGNED -> itemSize == 8 ? unsignedLongAsDouble(data.getLong(at)) : getLong(data, index);
            default -> getLong(data, index);
        };
    }

    /**
     * Element {@code index} of an integer array as a long; a {@code uint64} above {@link Long#MAX_VALUE}
     * comes back negative, so callers that need such values check the sign.
     */
    public long getLong(ByteBuffer data, int index) {
        int at = index * itemSize;
        return switch (kind) {
            case BOOL -> data.get(at) != 0 ? 1 : 0;
            case SIGNED -> switch (itemSize) {
                case 1 -> data.get(at);
                case 2 -> data.getShort(at);
                case 4 -> data.getInt(at);
                default -> data.getLong(at);
            };
            case UNSIGNED -> switch (itemSize) {
                case 1 -> data.get(at) & 0xffL;
                case 2 -> data.getShort(at) & 0xffffL;
                case 4 -> data.getInt(at) & 0xffffffffL;
                default -> data.getLong(at);
            };
            default -> throw new IllegalStateException("not an integer type: " + descr);
        };
    }

    private static double unsignedLongAsDouble(long bits) {
        return bits >= 0 ? bits : (double) (bits >>> 1) * 2.0 + (bits & 1);
    }

    @Override
    public String toString() {
        return descr;
    }
}
