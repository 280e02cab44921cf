package dev.vaelab.data.cifar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the entries of a tar stream in order: POSIX ustar and the GNU variant (512-byte header blocks,
 * octal or base-256 sizes, the ustar name prefix, GNU long names), content padded to whole blocks, two
 * zero blocks at the end. Each header's checksum is verified, so a corrupt archive is reported as such
 * rather than read as garbage.
 */
final class TarReader {
    /** One entry; read its content from {@link TarReader#content()} before asking for the next. */
    record Entry(String name, long size, boolean isFile) {}

    private static final int BLOCK = 512;

    private final InputStream in;
    private long remaining;
    private long padding;
    private boolean ended;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, skipping what is left of the current one; empty at the end of the archive. */
    Optional<Entry> next() throws IOException {
        skipRest();
        String longName = null;
        while (!ended) {
            byte[] header = in.readNBytes(BLOCK);
            if (header.length < BLOCK) {
                throw new TarFormatException(header.length == 0 ? "the archive ends without its end-of-archive blocks" : "truncated tar header");
            }
            if (isZero(header)) {
                ended = true;
                break;
            }
            verifyChecksum(header);
            char type = (char) header[156];
            long size = number(header, 124, 12);
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            if (type == 'L') {
                // GNU long name: the content is the next entry's name.
                if (size > 1 << 16) {
                    throw new TarFormatException("GNU long name of " + size + " bytes");
                }
                longName = text(content().readAllBytes(), 0, (int) size);
                skipRest();
                continue;
            }
            if (type == 'x' || type == 'g') {
                // pax extended headers: their attributes (long names, times) are not needed to find the members read here.
                skipRest();
                continue;
            }
            String name = longName != null ? longName : name(header);
            return Optional.of(new Entry(name, size, type == '0' || type == 0));
        }
        return Optional.empty();
    }

    /** The current entry's content; it ends where the entry does. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new TarFormatException("truncated: the archive ends inside an entry, " + remaining + " bytes short");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private void skipRest() throws IOException {
        long skip = remaining + padding;
        remaining = 0;
        padding = 0;
        if (skip > 0) {
            try {
                in.skipNBytes(skip);
            } catch (java.io.EOFException e) {
                throw new TarFormatException("truncated: the archive ends inside an entry");
            }
        }
    }

    private static String name(byte[] header) {
        String name = text(header, 0, 100);
        boolean ustar = text(header, 257, 5).equals("ustar");
        String prefix = ustar ? text(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static void verifyChecksum(byte[] header) throws TarFormatException {
        long stored = number(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        if (sum != stored) {
            throw new TarFormatException("corrupt tar header (checksum " + stored + ", computed " + sum + ")");
        }
    }

    /** An octal field, or GNU base-256 when the first byte's high bit is set. */
    private static long number(byte[] header, int offset, int length) throws TarFormatException {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = value << 8 | (header[offset + i] & 0xff);
            }
            return value;
        }
        String digits = text(header, offset, length).trim();
        try {
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            throw new TarFormatException("corrupt tar header (number '" + digits + "')");
        }
    }

    private static String text(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
