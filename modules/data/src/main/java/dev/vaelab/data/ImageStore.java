package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * A file of uint8 images, read one image at a time, so that a dataset larger than the heap can be
 * trained on. Written once by a streaming {@link Writer}, image by image, and renamed into place
 * only when complete, so a reader never sees a partial store.
 *
 * <p>Layout, big-endian: a 64-byte header (magic {@code VAELABU8}, version, C, H, W as ints, the
 * image count as a long, whether labels follow, the number of factors), then the pixels
 * {@code [N, C, H, W]}, then N labels as ints if any, then {@code [N, F]} factor classes as ints.
 * Offsets are longs: dSprites' pixels alone are 3.0 GB. See {@link FilePixels} for why the pixels are
 * read rather than memory-mapped.
 */
public final class ImageStore {
    /** The store's file name inside its cache directory. */
    public static final String FILE_NAME = "images.u8store";
    static final long MAGIC = 0x564145_4C4142_5538L; // "VAELABU8"
    static final int VERSION = 1;
    static final int HEADER_BYTES = 64;

    /**
     * What a store holds.
     *
     * @param shape the shape of one image
     * @param count number of images
     * @param labels whether each image has a class label
     * @param factors number of ground-truth factors per image, 0 for none
     */
    public record Layout(ImageShape shape, int count, boolean labels, int factors) {
        public Layout {
            Objects.requireNonNull(shape, "shape");
            if (count < 0 || factors < 0) {
                throw new IllegalArgumentException("negative count or factors: " + count + ", " + factors);
            }
        }

        long pixelBytes() {
            return (long) count * shape.size();
        }

        long fileBytes() {
            return HEADER_BYTES + pixelBytes() + (labels ? 4L * count : 0) + 4L * count * factors;
        }
    }

    private final Path file;
    private final Layout layout;
    private final Pixels pixels;
    private final int[] labels;
    private final int[] factorClasses;

    private ImageStore(Path file, Layout layout, Pixels pixels, int[] labels, int[] factorClasses) {
        this.file = file;
        this.layout = layout;
        this.pixels = pixels;
        this.labels = labels;
        this.factorClasses = factorClasses;
    }

    /** Opens {@code file}; its pixels are read when used, its labels and factor classes now. */
    public static ImageStore open(Path file) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            return read(file, channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataException("cannot read the image store " + file + ": " + e.getMessage()
                    + "; delete its folder to have it written again", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    private static ImageStore read(Path file, FileChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        while (header.hasRemaining() && channel.read(header) >= 0) {
            // read the whole header or reach the end
        }
        header.flip();
        if (header.remaining() < HEADER_BYTES || header.getLong() != MAGIC) {
            throw corrupt(file, "it is not a vaelab image store");
        }
        int version = header.getInt();
        if (version != VERSION) {
            throw corrupt(file, "it is version " + version + " of the store format, this vaelab reads version " + VERSION);
        }
        int c = header.getInt();
        int h = header.getInt();
        int w = header.getInt();
        long count = header.getLong();
        int hasLabels = header.getInt();
        int factors = header.getInt();
        if (c <= 0 || h <= 0 || w <= 0 || (long) c * h * w > Integer.MAX_VALUE || count < 0 || count > Integer.MAX_VALUE
                || (hasLabels != 0 && hasLabels != 1) || factors < 0 || factors > 1024) {
            throw corrupt(file, "its header is invalid");
        }
        Layout layout = new Layout(new ImageShape(c, h, w), (int) count, hasLabels == 1, factors);
        if (channel.size() != layout.fileBytes()) {
            throw corrupt(file, "it has " + channel.size() + " bytes where its header promises " + layout.fileBytes());
        }
        Pixels pixels = new FilePixels(file, channel, HEADER_BYTES, layout.count(), layout.shape().size());
        long at = HEADER_BYTES + layout.pixelBytes();
        int[] labels = null;
        if (layout.labels()) {
            labels = readInts(channel, at, layout.count());
            at += 4L * layout.count();
        }
        int[] factorClasses = factors == 0 ? null : readInts(channel, at, Math.multiplyExact(layout.count(), factors));
        return new ImageStore(file, layout, pixels, labels, factorClasses);
    }

    private static int[] readInts(FileChannel channel, long at, int n) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(n, 4));
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, at + bytes.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        bytes.flip();
        int[] out = new int[n];
        IntBuffer ints = bytes.asIntBuffer();
        ints.get(out);
        return out;
    }

    private static DataException corrupt(Path file, String problem) {
        return new DataException("the image store " + file + " cannot be used: " + problem + "; delete its folder to have it written again");
    }

    public Path file() {
        return file;
    }

    public Layout layout() {
        return layout;
    }

    /** Pixels of the store, for tests of the offsets. */
    Pixels pixelSource() {
        return pixels;
    }

    /**
     * The images, read from the file when used, with labels and factor classes on the heap.
     *
     * @param labelNames the class names, empty when the store has no labels
     * @param factors the factors, as many as the store has classes per image
     */
    public ImageSet images(List<String> labelNames, List<Factor> factors) {
        if (factors.size() != layout.factors() || labelNames.isEmpty() == layout.labels()) {
            throw corrupt(file, "it holds " + (layout.labels() ? "labels" : "no labels") + " and " + layout.factors()
                    + " factors, the dataset " + (labelNames.isEmpty() ? "no labels" : labelNames.size() + " classes") + " and "
                    + factors.size() + " factors");
        }
        try {
            return ImageSet.create(layout.shape(), pixels, labels, labelNames, factorClasses, factors);
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    /** A writer of a new store at {@code target}; nothing is at {@code target} until {@link Writer#commit()}. */
    public static Writer writer(Path target, Layout layout) {
        return new Writer(target, layout);
    }

    /**
     * Streams images into a temporary file beside the target; labels and factor classes (4 bytes an
     * image each) wait on the heap until {@link #commit()} writes them after the pixels and renames
     * the file into place. Closing an uncommitted writer deletes the temporary file.
     */
    public static final class Writer implements AutoCloseable {
        private final Path target;
        private final Layout layout;
        private final Path temp;
        private final FileChannel channel;
        private final DataOutputStream out;
        private final int[] labels;
        private final int[] factorClasses;
        private int written;
        private boolean committed;

        private Writer(Path target, Layout layout) {
            this.target = target.toAbsolutePath();
            this.layout = layout;
            this.labels = layout.labels() ? new int[layout.count()] : null;
            this.factorClasses = new int[Math.multiplyExact(layout.count(), layout.factors())];
            Path created = null;
            try {
                Files.createDirectories(this.target.getParent());
                created = Files.createTempFile(this.target.getParent(), ".tmp-" + this.target.getFileName(), ".part");
                this.channel = FileChannel.open(created, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                if (created != null) {
                    created.toFile().delete();
                }
                throw new DataException("cannot write the image store " + target + ": " + e.getMessage(), e);
            }
            this.temp = created;
            OutputStream stream = Channels.newOutputStream(channel);
            this.out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 20));
            try {
                out.writeLong(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(layout.shape().channels());
                out.writeInt(layout.shape().height());
                out.writeInt(layout.shape().width());
                out.writeLong(layout.count());
                out.writeInt(layout.labels() ? 1 : 0);
                out.writeInt(layout.factors());
                out.write(new byte[HEADER_BYTES - 40]);
            } catch (IOException e) {
                throw failed(e);
            }
        }

        /** Images added so far. */
        public int written() {
            return written;
        }

        /**
         * Appends one image.
         *
         * @param pixels the image's {@code C*H*W} bytes from {@code offset}
         * @param label its class, ignored when the layout has no labels
         * @param classes its factor classes, {@code layout.factors()} of them (may be empty when there are none)
         */
        public void add(byte[] pixels, int offset, int label, int[] classes) {
            if (written == layout.count()) {
                throw new IllegalStateException("the store was declared with " + layout.count() + " images");
            }
            if (classes.length != layout.factors()) {
                throw new IllegalArgumentException(classes.length + " factor classes, the store has " + layout.factors() + " factors");
            }
            try {
                out.write(pixels, offset, layout.shape().size());
            } catch (IOException e) {
                throw failed(e);
            }
            if (labels != null) {
                labels[written] = label;
            }
            System.arraycopy(classes, 0, factorClasses, written * layout.factors(), classes.length);
            written++;
        }

        /** Writes labels and factor classes, forces the file to disk and renames it to the target. */
        public void commit() {
            if (written != layout.count()) {
                throw new IllegalStateException(written + " images written of the " + layout.count() + " declared");
            }
            try {
                if (labels != null) {
                    for (int label : labels) {
                        out.writeInt(label);
                    }
                }
                for (int c : factorClasses) {
                    out.writeInt(c);
                }
                out.flush();
                channel.force(true);
                out.close();
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                committed = true;
            } catch (AtomicMoveNotSupportedException e) {
                throw new DataException("cannot place the image store " + target + " atomically: its file system does not support "
                        + "atomic renames; choose a results folder on a local disk", e);
            } catch (IOException e) {
                throw failed(e);
            }
        }

        private DataException failed(IOException e) {
            return new DataException("cannot write the image store " + target + ": " + e + "; check that its disk has room", e);
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            try {
                out.close();
            } catch (IOException e) {
                // the temporary file is deleted below either way
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
