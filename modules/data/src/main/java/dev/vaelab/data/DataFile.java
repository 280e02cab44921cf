package dev.vaelab.data;

import java.util.Objects;

/**
 * One file of a dataset as it is published and as it is stored in the data root.
 *
 * @param name the file name in the dataset's directory (the original name, plus {@code .gz} where we
 *     compress a file that is published uncompressed)
 * @param remoteName the file name on the mirrors
 * @param downloadSize the exact size in bytes of the published file, used to detect truncated downloads;
 *     when {@code exactSize} is false, the most bytes a download may bring (a sanity limit, so that a
 *     hostile server cannot fill the disk)
 * @param checksum the published (or pinned) checksum
 * @param split the split this file holds
 * @param content whether the file holds images or labels
 * @param exactSize whether {@code downloadSize} is the published size; false for a file whose publisher
 *     gives no size, which its pinned checksum alone verifies
 */
public record DataFile(String name, String remoteName, long downloadSize, Checksum checksum, Split split, Content content, boolean exactSize) {
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
        if (!name.endsWith(".gz") && !name.endsWith(".npz")) {
            throw new IllegalArgumentException("data files are stored compressed, with gzip or as a NumPy zip: " + name);
        }
        if (downloadSize <= 0) {
            throw new IllegalArgumentException("download size must be positive: " + downloadSize);
        }
        if (checksum.ofUncompressed() != !name.equals(remoteName)) {
            throw new IllegalArgumentException(name + ": a file compressed on storage needs a checksum of its uncompressed content, and only such a file");
        }
    }

    /** A file of the published size {@code downloadSize}. */
    public DataFile(String name, String remoteName, long downloadSize, Checksum checksum, Split split, Content content) {
        this(name, remoteName, downloadSize, checksum, split, content, true);
    }

    /**
     * A file whose publisher gives no size, downloaded under its own name: the pinned checksum verifies
     * it, and a download larger than {@code maxBytes} is cut off.
     */
    public static DataFile ofUnknownSize(String name, long maxBytes, Checksum checksum, Split split, Content content) {
        return new DataFile(name, name, maxBytes, checksum, split, content, false);
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
                : name + " (" + (exactSize ? downloadSize + " bytes, " : "") + digest + ")";
    }
}
