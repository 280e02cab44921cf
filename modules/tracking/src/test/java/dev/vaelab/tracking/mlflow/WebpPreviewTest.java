package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.Png;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class WebpPreviewTest {
    @Test
    void encodesRealWebpScaledToFit256AsMlflowDoes() throws Exception {
        for (int[] size : new int[][] {{62, 31, 256, 128}, {300, 900, 85, 256}, {28, 28, 256, 256}}) {
            BufferedImage image = MlflowTesting.grid(1);
            BufferedImage sized = new BufferedImage(size[0], size[1], BufferedImage.TYPE_BYTE_GRAY);
            sized.getGraphics().drawImage(image, 0, 0, size[0], size[1], null);
            byte[] webp = WebpPreview.of(Png.encode(sized));
            assertEquals("RIFF", new String(webp, 0, 4, StandardCharsets.US_ASCII));
            assertEquals(webp.length - 8, (webp[4] & 0xff) | (webp[5] & 0xff) << 8 | (webp[6] & 0xff) << 16 | (webp[7] & 0xff) << 24,
                    "the RIFF length covers the file");
            assertEquals("WEBP", new String(webp, 8, 4, StandardCharsets.US_ASCII));
            assertEquals("VP8 ", new String(webp, 12, 4, StandardCharsets.US_ASCII), "lossy, as Pillow writes by default");
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(webp));
            assertEquals(size[2], back.getWidth());
            assertEquals(size[3], back.getHeight());
        }
    }

    @Test
    void thePreviewLooksLikeTheImage() throws Exception {
        BufferedImage half = new BufferedImage(64, 32, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 32; y++) {
            for (int x = 32; x < 64; x++) {
                half.getRaster().setSample(x, y, 0, 255);
            }
        }
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(WebpPreview.of(Png.encode(half))));
        int left = back.getRGB(30, 64) & 0xff;
        int right = back.getRGB(220, 64) & 0xff;
        assertTrue(left < 20 && right > 235, "dark left " + left + ", light right " + right);
    }
}
