package dev.vaelab.data.numpy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes {@code .npy} and {@code .npz} bytes for the tests, following NumPy's format (header padded to 64 bytes). */
final class NpyBytes {
    private NpyBytes() {}

    /** A version 1.0 array of C order. */
    static byte[] npy(String descr, long[] shape, byte[] data) {
        return npy(descr, shape, false, data, 1);
    }

    static byte[] npy(String descr, long[] shape, boolean fortran, byte[] data, int version) {
        return npyWithHeader(dict(descr, shape, fortran), data, version);
    }

    static String dict(String descr, long[] shape, boolean fortran) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(',');
        }
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" + dims + "), }";
    }

    /** An array whose header text is {@code dict}, verbatim apart from padding. */
    static byte[] npyWithHeader(String dict, byte[] data, int version) {
        int lengthBytes = version == 1 ? 2 : 4;
        int prefix = 6 + 2 + lengthBytes;
        int unpadded = prefix + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(prefix + text.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            b.putShort((short) text.length());
        } else {
            b.putInt(text.length());
        }
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        b.put(data);
        return b.array();
    }

    /** A zip of {@code KEY.npy} members, stored (as {@code np.savez} writes) or deflated ({@code np.savez_compressed}). */
    static byte[] npz(Map<String, byte[]> members, boolean deflated) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                ZipEntry entry = new ZipEntry(m.getKey() + ".npy");
                if (!deflated) {
                    CRC32 crc = new CRC32();
                    crc.update(m.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(m.getValue().length);
                    entry.setCompressedSize(m.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(m.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
