package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the images to encode, recognising the format by content: an IDX images file (gzip or
 * not, as MNIST is published) or a PNG (one image, or a grid as a run draws it). Pictures of other
 * formats (JPEG, BMP, GIF) and folders of pictures are a {@link PictureFolder}'s, NumPy files {@link ArrayInputs}'.
 */
public final class ImageInputs {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};

    private ImageInputs() {
    }

    /** The images of {@code file} at the card's shape; {@code layout} applies to PNG grids. */
    public static Images read(Path file, ModelCard card, GridPngReader.Layout layout) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        } catch (NoSuchFileException e) {
            throw new VaelabException("--input " + file + ": no such file");
        } catch (IOException e) {
            throw new VaelabException("--input " + file + ": cannot read it: " + e.getMessage(), e);
        }
        if (java.util.Arrays.equals(head, PNG_SIGNATURE)) {
            return GridPngReader.read(file, card.channels(), card.height(), card.width(), layout);
        }
        if (IdxFiles.looksLikeIdx(head)) {
            return IdxFiles.readImages(file);
        }
        throw new VaelabException("--input " + file + " is neither an IDX images file (as MNIST's, gzip-compressed or "
                + "not), a NumPy .npy or .npz, nor a PNG, JPEG, BMP or GIF picture");
    }

    /** Whether {@code file} starts as a NumPy {@code .npz} (a zip archive) does; see {@link ArrayInputs}. */
    public static boolean isNpz(Path file) {
        byte[] head = head(file);
        return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /** Whether {@code file} starts as a NumPy {@code .npy} does; see {@link ArrayInputs}. */
    public static boolean isNpy(Path file) {
        byte[] head = head(file);
        return head.length == 4 && (head[0] & 0xff) == 0x93 && head[1] == 'N' && head[2] == 'U' && head[3] == 'M';
    }

    /** The first four bytes of {@code file}, or none where it cannot be read ({@link #read} then names the problem). */
    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Whether {@code file} starts as a JPEG, BMP or GIF does (a {@link PictureFolder#single} picture). */
    public static boolean isPicture(Path file) {
        byte[] head = head(file);
        boolean jpeg = head.length >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff;
        boolean bmp = head.length >= 2 && head[0] == 'B' && head[1] == 'M';
        boolean gif = head.length >= 4 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8';
        return jpeg || bmp || gif;
    }
}
