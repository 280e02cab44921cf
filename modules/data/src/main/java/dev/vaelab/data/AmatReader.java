package dev.vaelab.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads gzip-compressed {@code .amat} files of binary images: one image per line, its values
 * {@code 0} or {@code 1} separated by whitespace. Values come back as pixels 0 and 255, so that
 * {@code pixel / 255} is the binary value like for any other image set.
 */
final class AmatReader {
    private static final int BUFFER = 1 << 16;

    private AmatReader() {}

    /** The pixels of every line, {@code valuesPerLine} per image, verifying {@code checksum} when given. */
    static byte[] read(Path file, int valuesPerLine, Optional<Checksum> checksum) {
        return VerifiedGzip.read(file, checksum, in -> parse(in, valuesPerLine));
    }

    private static byte[] parse(InputStream in, int valuesPerLine) throws IOException {
        byte[] buf = new byte[BUFFER];
        byte[] out = new byte[valuesPerLine * 1024];
        int size = 0;
        int line = 1;
        int inLine = 0;
        boolean afterValue = false;
        for (int n; (n = in.read(buf)) >= 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '0' || b == '1') {
                    if (afterValue) {
                        throw new FormatException("line " + line + ": values must be 0 or 1, separated by spaces");
                    }
                    if (inLine == valuesPerLine) {
                        throw new FormatException("line " + line + ": more than " + valuesPerLine + " values");
                    }
                    if (inLine == 0 && size + valuesPerLine > out.length) {
                        out = Arrays.copyOf(out, Math.max(size + valuesPerLine, out.length * 2));
                    }
                    out[size++] = b == '1' ? (byte) 255 : 0;
                    inLine++;
                    afterValue = true;
                } else if (b == ' ' || b == '\t' || b == '\r') {
                    afterValue = false;
                } else if (b == '\n') {
                    checkLine(line, inLine, valuesPerLine);
                    line++;
                    inLine = 0;
                    afterValue = false;
                } else {
                    throw new FormatException("line " + line + ": unexpected character '" + (char) (b & 0xff) + "', values must be 0 or 1");
                }
            }
        }
        if (inLine > 0) {
            checkLine(line, inLine, valuesPerLine);
        }
        return Arrays.copyOf(out, size);
    }

    private static void checkLine(int line, int values, int expected) throws FormatException {
        if (values != expected) {
            throw new FormatException("line " + line + " has " + values + " values, expected " + expected);
        }
    }
}
