package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads images and labels in LeCun's IDX format (MNIST's), gzip-compressed or not: unsigned bytes
 * with magic {@code 0x00000803} ([N, H, W], one channel) or {@code 0x00000804} ([N, C, H, W]) for
 * images and {@code 0x00000801} ([N]) for labels. Pixels become pixel/255, the scaling every
 * exported model takes.
 */
public final class IdxFiles {
    static final int IMAGES_3D = 0x00000803;
    static final int IMAGES_4D = 0x00000804;
    static final int LABELS = 0x00000801;

    private IdxFiles() {
    }

    /** Whether {@code head} (the file's first bytes) starts an IDX or gzip stream. */
    static boolean looksLikeIdx(byte[] head) {
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return true;
        }
        return head.length >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08;
    }

    /** The images of an IDX images file. */
    public static Images readImages(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGES_3D && magic != IMAGES_4D) {
                throw new VaelabException(file + " is not an IDX images file (magic 0x" + Integer.toHexString(magic)
                        + "; images have 0x803 [N, H, W] or 0x804 [N, C, H, W])"
                        + (magic == LABELS ? "; it holds labels" : ""));
            }
            int count = positive(in.readInt(), file, "count", true);
            int channels = magic == IMAGES_4D ? positive(in.readInt(), file, "channels", false) : 1;
            int height = positive(in.readInt(), file, "rows", false);
            int width = positive(in.readInt(), file, "columns", false);
            long values = (long) count * channels * height * width;
            if (values > Integer.MAX_VALUE - 8) {
                throw new VaelabException(file + " declares " + count + " images of " + channels + "x" + height + "x"
                        + width + ", more than can be encoded at once");
            }
            byte[] raw = in.readNBytes((int) values);
            if (raw.length < values) {
                throw new VaelabException(file + " is truncated: its header declares " + count + " images of "
                        + channels + "x" + height + "x" + width + " but only " + raw.length + " of " + values
                        + " bytes follow");
            }
            readToEnd(in, file);
            float[] pixels = new float[raw.length];
            Images.putIntensities(raw, raw.length, pixels, 0);
            return new Images(pixels, count, channels, height, width);
        } catch (EOFException e) {
            throw new VaelabException(file + " is truncated: it ends inside its IDX header or its gzip stream", e);
        } catch (ZipException e) {
            throw damagedGzip(file, e);
        } catch (IOException e) {
            throw new VaelabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The class indices of an IDX labels file. */
    public static int[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS) {
                throw new VaelabException(file + " is not an IDX labels file (magic 0x" + Integer.toHexString(magic)
                        + ", labels have 0x801)");
            }
            int count = positive(in.readInt(), file, "count", true);
            byte[] raw = in.readNBytes(count);
            if (raw.length < count) {
                throw new VaelabException(file + " is truncated: it declares " + count + " labels, " + raw.length
                        + " follow");
            }
            readToEnd(in, file);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        } catch (EOFException e) {
            throw new VaelabException(file + " is truncated: it ends inside its IDX header or its gzip stream", e);
        } catch (ZipException e) {
            throw damagedGzip(file, e);
        } catch (IOException e) {
            throw new VaelabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads what follows the declared data: only at the end of a gzip stream are its CRC and length
     * checked, and a file with more data than its header declares is not the file it claims to be.
     */
    private static void readToEnd(InputStream in, Path file) throws IOException {
        long extra = 0;
        byte[] scratch = new byte[1 << 16];
        for (int n; (n = in.read(scratch)) >= 0; ) {
            extra += n;
        }
        if (extra > 0) {
            throw new VaelabException(file + ": " + extra + " bytes follow the data its IDX header declares; is it the "
                    + "file it claims to be?");
        }
    }

    private static VaelabException damagedGzip(Path file, ZipException e) {
        return new VaelabException(file + " is a damaged gzip file (" + e.getMessage() + ": its data does not match its "
                + "CRC or length, or it is cut short); get the file again", e);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new VaelabException("no such file: " + file, e);
        }
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        return new DataInputStream(b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw)) : raw);
    }

    private static int positive(int value, Path file, String what, boolean zeroAllowed) {
        if (value < 0 || (!zeroAllowed && value == 0)) {
            throw new VaelabException(file + " has an invalid IDX " + what + " " + value);
        }
        return value;
    }
}
