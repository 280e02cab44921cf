package dev.vaelab.data.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real PNG, JPEG, BMP and GIF files written by ImageIO, and broken ones, through decoding, resampling and skipping. */
class FolderImagesTest {
    @TempDir
    Path dir;

    /** 16x8 image: left half (r, g, b), right half black. */
    private static BufferedImage halves(int rgb) {
        BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private Path write(String relative, BufferedImage image, String format) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format, file.toFile()), format);
        return file;
    }

    @Test
    void everyFormatDecodesToTheCentredSquare() throws IOException {
        int colour = 0x30a0f0;
        write("a/x.png", halves(colour), "png");
        write("a/x.bmp", halves(colour), "bmp");
        write("b/x.jpg", halves(colour), "jpeg");
        // a two-colour palette (black, red): the default palette would dither
        IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {0, (byte) 255}, new byte[] {0, 0}, new byte[] {0, 0});
        BufferedImage indexed = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                indexed.getRaster().setSample(x, y, 0, 1);
            }
        }
        write("b/x.gif", indexed, "gif");
        ImageFolder folder = ImageFolder.scan(dir);
        List<String> seen = new ArrayList<>();
        int skipped = FolderImages.decode(folder.train(), 2, 3, false, (entry, pixels) -> {
            seen.add(entry.relative());
            // the centred 8x8 of 16x8 is columns 4..11: the left output column is the colour, the right black
            int[] expected = entry.relative().endsWith(".gif") ? new int[] {255, 0, 0} : new int[] {0x30, 0xa0, 0xf0};
            int tolerance = entry.relative().endsWith(".jpg") ? 12 : 0;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 2; y++) {
                    assertEquals(expected[c], pixels[(c * 2 + y) * 2] & 0xff, tolerance, entry.relative() + " channel " + c);
                    assertEquals(0, pixels[(c * 2 + y) * 2 + 1] & 0xff, tolerance, entry.relative() + " channel " + c);
                }
            }
        });
        assertEquals(0, skipped);
        assertEquals(List.of("a/x.bmp", "a/x.png", "b/x.gif", "b/x.jpg"), seen);
    }

    @Test
    void unreadableFilesAreNamedOrSkippedAndCounted() throws IOException {
        Path good = write("good.png", halves(0xffffff), "png");
        byte[] png = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        Path text = Files.write(dir.resolve("text.png"), "not an image at all".getBytes());
        List<ImageEntry> entries = ImageFolder.scan(dir).train();
        BadImageException e = assertThrows(BadImageException.class, () -> FolderImages.decode(entries, 4, 1, false, (entry, pixels) -> { }));
        assertEquals(text + ": not a PNG, JPEG, BMP or GIF image; fix or remove it, or set data.skip_bad: true to skip unreadable images",
                e.getMessage());
        e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(truncated));
        assertTrue(e.getMessage().startsWith(truncated + ": cannot decode ("), e.getMessage());
        List<String> kept = new ArrayList<>();
        int skipped = FolderImages.decode(entries, 4, 1, true, (entry, pixels) -> kept.add(entry.relative()));
        assertEquals(2, skipped);
        assertEquals(List.of("good.png"), kept);
    }

    @Test
    void aHugeImageIsRefusedFromItsHeader() throws IOException {
        Path file = write("huge.png", halves(0), "png");
        byte[] png = Files.readAllBytes(file);
        // IHDR starts at byte 8: length (4), "IHDR" (4), width (4), height (4), ..., CRC over type and data (13 bytes)
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 20000).putInt(20, 20000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        Files.write(file, png);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(file));
        assertEquals(file + ": 20000x20000 pixels, more than the 100000000 an image may have", e.getMessage());
    }

    @Test
    void jpegsAreReadByTwelveMonkeysFirst() throws IOException {
        // The JDK's own reader refuses CMYK and YCCK JPEGs; ImageDecoder takes the first reader that accepts a file.
        write("x.jpg", halves(0x102030), "jpeg");
        ImageDecoder.decode(dir.resolve("x.jpg"));
        javax.imageio.ImageReader first = ImageIO.getImageReadersByFormatName("jpeg").next();
        assertEquals("com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader", first.getClass().getName());
    }

    @Test
    void aTruncatedJpegIsCorruptThoughItWouldDecode() throws IOException {
        BufferedImage gradient = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                gradient.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 77);
            }
        }
        Path file = write("g.jpg", gradient, "jpeg");
        byte[] jpeg = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    }
}
