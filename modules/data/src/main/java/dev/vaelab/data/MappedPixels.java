package dev.vaelab.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Pixels read from a file through memory maps. One map holds at most 2 GiB, so the pixel region is
 * mapped in chunks of whole images (dSprites' 737,280 64×64 images are 3.0 GB): an image never
 * straddles two maps, and every offset into the file is a long. The page cache holds what was read
 * recently, outside the Java heap, and the kernel drops it under memory pressure.
 */
final class MappedPixels implements Pixels {
    /** The largest map Java allows. */
    static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE;

    private final MappedByteBuffer[] chunks;
    private final int imagesPerChunk;
    private final int imageSize;
    private final int images;

    /**
     * Maps {@code images} images of {@code imageSize} bytes starting at byte {@code start} of {@code channel}.
     *
     * @param chunkBytes the most bytes per map (tests use small values to reach many chunks)
     */
    MappedPixels(FileChannel channel, long start, int images, int imageSize, long chunkBytes) {
        if (chunkBytes < imageSize || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk of " + chunkBytes + " bytes for images of " + imageSize);
        }
        this.imageSize = imageSize;
        this.images = images;
        this.imagesPerChunk = (int) Math.min(images == 0 ? 1 : images, chunkBytes / imageSize);
        int count = (images + imagesPerChunk - 1) / imagesPerChunk;
        this.chunks = new MappedByteBuffer[count];
        try {
            for (int c = 0; c < count; c++) {
                int first = c * imagesPerChunk;
                int n = Math.min(imagesPerChunk, images - first);
                chunks[c] = channel.map(FileChannel.MapMode.READ_ONLY, start + (long) first * imageSize, (long) n * imageSize);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Number of maps, for tests of the chunking. */
    int chunks() {
        return chunks.length;
    }

    @Override
    public int images() {
        return images;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public void copy(int image, byte[] dst, int at) {
        chunks[image / imagesPerChunk].get((image % imagesPerChunk) * imageSize, dst, at, imageSize);
    }

    @Override
    public void put(int image, ByteBuffer out, int at) {
        out.put(at, chunks[image / imagesPerChunk], (image % imagesPerChunk) * imageSize, imageSize);
    }

    @Override
    public int pixel(int image, int index) {
        return chunks[image / imagesPerChunk].get((image % imagesPerChunk) * imageSize + index) & 0xff;
    }
}
