package dev.vaelab.data.cifar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Writes ustar archives for the tests: 512-byte headers with octal fields and their checksum, content padded to blocks. */
final class TarBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TarBytes file(String name, byte[] content) {
        return entry(name, '0', content);
    }

    TarBytes directory(String name) {
        return entry(name, '5', new byte[0]);
    }

    /** A GNU long-name entry followed by a file whose own name field is truncated. */
    TarBytes longNamedFile(String name, byte[] content) {
        entry("././@LongLink", 'L', (name + "\0").getBytes(StandardCharsets.UTF_8));
        return entry(name.substring(0, 99), '0', content);
    }

    TarBytes entry(String name, char type, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", content.length));
        put(header, 136, "00000000000");
        header[156] = (byte) type;
        put(header, 257, "ustar");
        put(header, 263, "00");
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[155] = ' ';
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        return this;
    }

    /** The archive with its two end blocks. */
    byte[] tar() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }

    byte[] tarGz() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(tar());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void put(byte[] header, int offset, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, header, offset, b.length);
    }
}
