package dev.vaelab.data;

import java.util.Objects;

/**
 * One file of a dataset as it is published and as it is stored in the data root.
 *
 * @param name the file name in the dataset's directory (the original name, plus {@code .gz} where we
 *     compress a file that is published uncompressed)
 * @param remoteName the file name on the mirrors
 * @param downloadSize the exact size in bytes of the published file, used to detect truncated downloads
 * @param checksum the published checksum
 * @param split the split this file holds
 * @param content whether the file holds images or labels
 */
public record DataFile(String name, String remoteName, long downloadSize, Checksum checksum, Split split, Content content) {
    /** What a file holds. */
    public enum Content {
        IMAGES,
        LABELS
    }

    public DataFile {
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(content, "content");
        if (!name.equals(remoteName) && !name.equals(remoteName + ".gz")) {
            throw new IllegalArgumentException("stored name " + name + " must be " + remoteName + " or " + remoteName + ".gz");
        }
        if (!name.endsWith(".gz")) {
            throw new IllegalArgumentException("data files are stored gzip-compressed: " + name);
        }
        if (downloadSize <= 0) {
            throw new IllegalArgumentException("download size must be positive: " + downloadSize);
        }
        if (checksum.ofUncompressed() != !name.equals(remoteName)) {
            throw new IllegalArgumentException(name + ": a file compressed on storage needs a checksum of its uncompressed content, and only such a file");
        }
    }

    /** Whether the download is published uncompressed and gzip-compressed when stored. */
    public boolean compressOnStore() {
        return !name.equals(remoteName);
    }

    /** The file name with its size and checksum, as the manual-install hint lists it. */
    public String describe() {
        String digest = checksum.algorithm().label() + " " + checksum.hex();
        return compressOnStore()
                ? name + " (" + remoteName + " of " + downloadSize + " bytes, " + digest + ", compressed with gzip)"
                : name + " (" + downloadSize + " bytes, " + digest + ")";
    }
}
