package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Pixels read from an {@link ImageStore} file with positional reads, one whole image per read, at long
 * offsets (dSprites' pixels are 3.0 GB). The operating system's page cache keeps what was read
 * recently, outside the process: memory-mapping the file instead was measured to raise the peak RSS of
 * a short run on the full sprites set to 3.4 GiB, because every fault maps the neighbouring pages too
 * and a random test split then touches the whole file, while these reads leave the RSS at the heap
 * and ONNX Runtime's memory. The channel stays open for the life of the set.
 */
final class FilePixels implements Pixels {
    private final Path file;
    private final FileChannel channel;
    private final long start;
    private final int images;
    private final int imageSize;
    /** The image {@link #pixel} read last, so that reading an image pixel by pixel costs one read. */
    private final byte[] one;
    private int oneIndex = -1;

    FilePixels(Path file, FileChannel channel, long start, int images, int imageSize) {
        this.file = file;
        this.channel = channel;
        this.start = start;
        this.images = images;
        this.imageSize = imageSize;
        this.one = new byte[imageSize];
    }

    @Override
    public int images() {
        return images;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    /** Byte offset of image {@code image} in the file: a long, since a store may hold more than 2 GiB. */
    long offset(int image) {
        return start + (long) image * imageSize;
    }

    @Override
    public void copy(int image, byte[] dst, int at) {
        read(image, ByteBuffer.wrap(dst, at, imageSize));
    }

    @Override
    public void put(int image, ByteBuffer out, int at) {
        read(image, out.duplicate().limit(at + imageSize).position(at));
    }

    @Override
    public synchronized int pixel(int image, int index) {
        if (image != oneIndex) {
            oneIndex = -1;
            copy(image, one, 0);
            oneIndex = image;
        }
        return one[index] & 0xff;
    }

    private void read(int image, ByteBuffer into) {
        long position = offset(image);
        try {
            while (into.hasRemaining()) {
                int n = channel.read(into, position);
                if (n < 0) {
                    throw new IOException("unexpected end of file at byte " + position);
                }
                position += n;
            }
        } catch (IOException e) {
            throw new DataException("cannot read image " + image + " of the image store " + file + ": " + e.getMessage()
                    + "; delete its folder to have it written again", e);
        }
    }
}
