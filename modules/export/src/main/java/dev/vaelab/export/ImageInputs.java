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
 * formats (JPEG, BMP, GIF) and folders of pictures are a {@link PictureFolder}'s.
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
                + "not) nor a PNG, JPEG, BMP or GIF picture");
    }

    /** Whether {@code file} starts as a JPEG, BMP or GIF does (a {@link PictureFolder#single} picture). */
    public static boolean isPicture(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            return false; // read() names the problem
        }
        boolean jpeg = head.length >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff;
        boolean bmp = head.length >= 2 && head[0] == 'B' && head[1] == 'M';
        boolean gif = head.length >= 4 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8';
        return jpeg || bmp || gif;
    }
}
