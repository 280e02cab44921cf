package dev.vaelab.export;

import dev.vaelab.tracking.ImageGrid;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Images as a NumPy {@code .npy} file of uint8 [N, C, H, W], written a batch at a time: the
 * header states N up front, so any number of samples streams through a bounded heap, and
 * {@code numpy.load(path, mmap_mode='r')} reads them without loading the file. Levels are those of
 * the PNG grids ({@link ImageGrid#level}), so an image here equals its tile there.
 */
public final class NpyImages {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    /** The header (magic, length and dictionary) is padded to a multiple of this, as NumPy writes it. */
    private static final int ALIGNMENT = 64;

    private NpyImages() {
    }

    /** The format 1.0 header of {@code count} images of the card's shape. */
    public static byte[] header(long count, ModelCard card) {
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + count + ", " + card.channels() + ", "
                + card.height() + ", " + card.width() + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padded = (unpadded + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        String text = dict + " ".repeat(padded - unpadded) + "\n";
        byte[] out = new byte[padded];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        int length = text.length();
        out[MAGIC.length] = (byte) (length & 0xff);
        out[MAGIC.length + 1] = (byte) (length >>> 8);
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, out, MAGIC.length + 2, ascii.length);
        return out;
    }

    /** Appends {@code count} images of means in [0, 1] (C·H·W each, in the files' CHW order) as 8-bit levels. */
    public static void writeImages(OutputStream out, float[] means, int count, ModelCard card) throws IOException {
        int size = card.channels() * card.height() * card.width();
        byte[] levels = new byte[size];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < size; p++) {
                levels[p] = (byte) ImageGrid.level(means[i * size + p]);
            }
            out.write(levels);
        }
    }
}
