package dev.vaelab.data.folder;

import java.util.List;

/**
 * Decodes the images of a folder one by one into {@code channels × size × size} planes, skipping and
 * counting unreadable ones when asked to.
 */
public final class FolderImages {
    /** Receives the planes of one image; {@code pixels} belongs to the callee. */
    @FunctionalInterface
    public interface ImageConsumer {
        void accept(ImageEntry entry, byte[] pixels);
    }

    private FolderImages() {}

    /**
     * Decodes {@code entries} in order.
     *
     * @param skipBad whether an unreadable image is skipped (and counted) rather than an error naming it
     * @return the number of images skipped
     * @throws BadImageException naming the first unreadable image, when {@code skipBad} is false
     */
    public static int decode(List<ImageEntry> entries, int size, int channels, boolean skipBad, ImageConsumer consumer) {
        int skipped = 0;
        for (ImageEntry entry : entries) {
            byte[] pixels;
            try {
                pixels = ImageResampler.toPlanes(ImageDecoder.decode(entry.file()), size, channels);
            } catch (BadImageException e) {
                if (!skipBad) {
                    throw new BadImageException(e.getMessage() + "; fix or remove it, or set data.skip_bad: true to skip unreadable images");
                }
                skipped++;
                continue;
            }
            consumer.accept(entry, pixels);
        }
        return skipped;
    }
}
