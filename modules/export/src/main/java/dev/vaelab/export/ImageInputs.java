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

    /** What an {@code --input} is: a folder of pictures, a JPEG, BMP or GIF, a NumPy file, or else what {@link #read} reads. */
    public enum Format {
        FOLDER, PICTURE, NPY, NPZ, OTHER
    }

    /** The format of {@code file}, by content (its first bytes), a folder by being one. */
    public static Format format(Path file) {
        if (Files.isDirectory(file)) {
            return Format.FOLDER;
        }
        byte[] h;
        try (InputStream in = Files.newInputStream(file)) {
            h = in.readNBytes(4);
        } catch (IOException e) {
            return Format.OTHER; // read() names the problem
        }
        if (h.length == 4 && (h[0] & 0xff) == 0x93 && h[1] == 'N' && h[2] == 'U' && h[3] == 'M') {
            return Format.NPY;
        }
        if (h.length == 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
            return Format.NPZ;
        }
        boolean jpeg = h.length >= 3 && (h[0] & 0xff) == 0xff && (h[1] & 0xff) == 0xd8 && (h[2] & 0xff) == 0xff;
        boolean bmp = h.length >= 2 && h[0] == 'B' && h[1] == 'M';
        boolean gif = h.length == 4 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8';
        return jpeg || bmp || gif ? Format.PICTURE : Format.OTHER;
    }
}
