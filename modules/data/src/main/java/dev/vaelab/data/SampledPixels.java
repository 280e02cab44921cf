package dev.vaelab.data;

import java.nio.ByteBuffer;

/**
 * A fixed Bernoulli sample of another image set, drawn per image when it is read: image i is
 * {@code Bernoulli.sample(source image i, keys[i])}, the same bytes each time. Static binarization of
 * a set on disk uses it instead of a binarized copy, which would bring the whole set onto the
 * heap. Reads share two scratch images and take turns, so the set stays safe to share like any other.
 */
final class SampledPixels implements Pixels {
    private final ImageSet source;
    private final long[] keys;
    private final byte[] grey;
    private final byte[] sampled;

    /** @param keys one key per image of {@code source}, in its order */
    SampledPixels(ImageSet source, long[] keys) {
        if (keys.length != source.count()) {
            throw new IllegalArgumentException(keys.length + " keys for " + source.count() + " images");
        }
        this.source = source;
        this.keys = keys;
        this.grey = new byte[source.imageSize()];
        this.sampled = new byte[source.imageSize()];
    }

    @Override
    public int images() {
        return keys.length;
    }

    @Override
    public int imageSize() {
        return grey.length;
    }

    @Override
    public synchronized void copy(int image, byte[] dst, int at) {
        source.copyImage(image, grey, 0);
        Bernoulli.sample(grey, 0, grey.length, keys[image], dst, at);
    }

    @Override
    public synchronized void put(int image, ByteBuffer out, int at) {
        copy(image, sampled, 0);
        out.put(at, sampled, 0, sampled.length);
    }

    @Override
    public synchronized int pixel(int image, int index) {
        copy(image, sampled, 0);
        return sampled[index] & 0xff;
    }
}
