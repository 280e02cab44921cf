package dev.vaelab.cli;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The image count and values per image an IDX images file declares, read from its first bytes
 * (through gzip when compressed), so that its size can be checked before the file is read.
 */
final class IdxHeader {
    private IdxHeader() {
    }

    /** Counts and sizes as declared; empty for anything that is not an IDX images header (the reader then says why). */
    record Declared(long images, long valuesPerImage) {
    }

    static java.util.Optional<Declared> read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw) : raw;
            DataInputStream data = new DataInputStream(in);
            int magic = data.readInt();
            int rank = magic == 0x803 ? 3 : magic == 0x804 ? 4 : 0;
            if (rank == 0) {
                return java.util.Optional.empty();
            }
            long count = Integer.toUnsignedLong(data.readInt());
            long values = 1;
            for (int i = 1; i < rank; i++) {
                values *= Integer.toUnsignedLong(data.readInt());
            }
            return java.util.Optional.of(new Declared(count, values));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

}
