package dev.vaelab.data.numpy;

import dev.vaelab.core.error.DataException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A NumPy {@code .npz} archive, as {@code np.savez} (members stored) and {@code np.savez_compressed}
 * (members deflated) write it: a zip of {@code KEY.npy} members. Opening reads every member's header;
 * data is streamed from the zip only when an array is read, inflating deflated members on the fly, so
 * a multi-gigabyte member costs no more heap than one chunk. Zip64 archives (members over 4 GB) work.
 * The archive is open only while its headers or an array are read, so an {@code NpzFile} holds no
 * file handle and needs no closing. Stored members also say where their data lies in the file
 * ({@link NpyArray#dataPosition()}), for reading at an offset or mapping.
 *
 * <p>Members that hold pickled objects (dSprites' {@code metadata}) open like any other and fail only
 * when read.
 */
public final class NpzFile {
    private static final int BUFFER = 1 << 16;

    private final Path file;
    private final Map<String, NpyArray> arrays;

    private NpzFile(Path file, Map<String, NpyArray> arrays) {
        this.file = file;
        this.arrays = arrays;
    }

    /** Opens {@code file} and reads the header of each member. */
    public static NpzFile open(Path file) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new DataException(file + ": no such file");
        } catch (ZipException e) {
            throw new DataException(file + ": not an .npz file (not a readable zip archive: " + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage());
        }
        try (zip) {
            Map<String, Long> stored = StoredOffsets.of(file);
            Map<String, NpyArray> arrays = new LinkedHashMap<>();
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().endsWith(".npy")) {
                    continue;
                }
                String key = entry.getName().substring(0, entry.getName().length() - ".npy".length());
                String where = file + "[" + key + "]";
                String entryName = entry.getName();
                NpyArray.Source source = () -> member(file, entryName);
                NpyHeader header = readHeader(where, () -> new BufferedInputStream(zip.getInputStream(entry), BUFFER));
                OptionalLong start = entry.getMethod() == ZipEntry.STORED && stored.containsKey(entryName)
                        ? OptionalLong.of(stored.get(entryName)) : OptionalLong.empty();
                arrays.put(key, new NpyArray(where, header, source, file, start));
            }
            return new NpzFile(file, Collections.unmodifiableMap(arrays));
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** A stream of one member that closes its own zip file when closed. */
    private static InputStream member(Path file, String entryName) throws IOException {
        ZipFile zip = new ZipFile(file.toFile());
        try {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new IOException("the member " + entryName + " has disappeared; was the file replaced?");
            }
            return new BufferedInputStream(zip.getInputStream(entry), BUFFER) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        zip.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static NpyHeader readHeader(String where, NpyArray.Source source) {
        try (InputStream in = source.open()) {
            return NpyHeader.read(in);
        } catch (EOFException e) {
            throw new DataException(where + ": truncated .npy header");
        } catch (ZipException e) {
            throw new DataException(where + ": corrupt zip member (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DataException(where + ": " + e.getMessage());
        }
    }

    /** The archive's path. */
    public Path file() {
        return file;
    }

    /** The arrays by key (the member name without {@code .npy}), in archive order. */
    public Map<String, NpyArray> arrays() {
        return arrays;
    }

    /** The array {@code key}; a missing key is an error that lists the keys present. */
    public NpyArray array(String key) {
        NpyArray array = arrays.get(key);
        if (array == null) {
            throw new DataException(file + ": no array '" + key + "'; it holds "
                    + (arrays.isEmpty() ? "no arrays" : String.join(", ", arrays.keySet())));
        }
        return array;
    }
}
