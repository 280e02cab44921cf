package dev.vaelab.data;

/**
 * Bernoulli sampling of pixels with {@code p = pixel / 255} from a counter-based generator.
 *
 * <p>The bits for an image are {@code mix64(key + GOLDEN * (j + 1))} for word j (SplitMix64 with
 * {@code key} as its state), two pixels per word. Being a pure function of (key, pixel index), a
 * sample does not depend on the order or the chunks in which images are written, and needs neither
 * a generator object nor a precomputed epoch image.
 */
final class Bernoulli {
    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** A pixel is 1 when 32 random bits are below THRESHOLD[pixel]: p = round(pixel * 2^32 / 255) / 2^32, exact for 0 and 255. */
    private static final long[] THRESHOLD = new long[256];

    static {
        for (int k = 0; k < 256; k++) {
            THRESHOLD[k] = Math.round(k * 4294967296.0 / 255.0);
        }
    }

    private Bernoulli() {}

    /** The key of image {@code example} in the stream of one epoch. */
    static long exampleKey(long epochKey, int example) {
        return mix64(epochKey ^ mix64((example + 1L) * GOLDEN));
    }

    /** Samples {@code n} pixels of {@code src} from {@code from} as bytes 0 and 255 into {@code dst} from {@code at}. */
    static void sample(byte[] src, int from, int n, long key, byte[] dst, int at) {
        int pairs = n >>> 1;
        long counter = key;
        for (int p = 0; p < pairs; p++) {
            counter += GOLDEN;
            long bits = mix64(counter);
            int i = 2 * p;
            dst[at + i] = (bits & 0xFFFFFFFFL) < THRESHOLD[src[from + i] & 0xff] ? (byte) 255 : 0;
            dst[at + i + 1] = (bits >>> 32) < THRESHOLD[src[from + i + 1] & 0xff] ? (byte) 255 : 0;
        }
        if ((n & 1) != 0) {
            long bits = mix64(counter + GOLDEN);
            dst[at + n - 1] = (bits & 0xFFFFFFFFL) < THRESHOLD[src[from + n - 1] & 0xff] ? (byte) 255 : 0;
        }
    }

    /** SplitMix64's output function (Stafford's variant 13). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
