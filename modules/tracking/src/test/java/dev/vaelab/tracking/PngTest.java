package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngTest {
    @Test
    void encodedBytesDecodeToTheSamePixels() throws Exception {
        BufferedImage image = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                image.setRGB(x, y, (x * 36) << 16 | (y * 60) << 8 | (x + y) * 20);
            }
        }
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Png.encode(image)));
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                assertEquals(image.getRGB(x, y), decoded.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
    }

    /** A sweep stopped by Ctrl-C writes its plots from a shutdown hook, when no hook may be added. */
    @Test
    void encodingWorksInsideAShutdownHook() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-Djava.awt.headless=true", "-cp",
                System.getProperty("java.class.path"), EncodeWhileShuttingDown.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.startsWith("encoded "), out);
    }

    /** The child JVM: encodes a PNG in a shutdown hook and says how it went. */
    public static final class EncodeWhileShuttingDown {
        public static void main(String[] args) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    System.out.println("encoded " + Png.encode(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB)).length + " bytes");
                } catch (RuntimeException e) {
                    System.out.println("failed: " + e);
                }
                System.out.flush();
            }));
            System.exit(0);
        }
    }
}
