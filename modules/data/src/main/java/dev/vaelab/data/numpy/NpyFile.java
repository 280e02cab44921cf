package dev.vaelab.data.numpy;

import dev.vaelab.core.error.DataException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Opens a single {@code .npy} file. Its data starts at {@code header().dataOffset()} in the file, so
 * a caller that wants random access can map it.
 */
public final class NpyFile {
    private static final int BUFFER = 1 << 16;

    private NpyFile() {}

    /** Reads the header of {@code file} and checks that the file holds all the data it declares. */
    public static NpyArray open(Path file) {
        NpyArray.Source source = () -> new BufferedInputStream(Files.newInputStream(file), BUFFER);
        NpyHeader header;
        try (InputStream in = source.open()) {
            header = NpyHeader.read(in);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (EOFException e) {
            throw new DataException(file + ": truncated .npy header");
        } catch (IOException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
        try {
            long size = Files.size(file);
            long expected = header.dataOffset() + header.dataBytes();
            if (header.dtype().itemSize() > 0 && size < expected) {
                throw new DataException(file + ": truncated: the header declares " + header + " (" + header.dataBytes()
                        + " bytes of data) but the file has " + (size - header.dataOffset()));
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage());
        }
        return new NpyArray(file.toString(), header, source, file, OptionalLong.of(0));
    }
}
