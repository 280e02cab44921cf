package dev.vaelab.tracking.mlflow;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The {@code +compressed.webp} preview MLflow's {@code log_image} stores beside each image: scaled,
 * keeping the aspect ratio, so that its longer side is 256 pixels (as {@code compress_image_size}
 * does, up or down), and encoded as lossy WebP at quality 80 (Pillow's default) by libwebp through
 * the {@code webp-imageio} ImageIO plugin.
 */
public final class WebpPreview {
    /** MLflow's {@code COMPRESSED_IMAGE_SIZE}. */
    public static final int SIZE = 256;
    private static final float QUALITY = 0.8f;

    private WebpPreview() {}

    /** The WebP preview of a PNG. */
    public static byte[] of(byte[] png) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a readable PNG: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IllegalArgumentException("not a readable PNG");
        }
        return encode(scale(image));
    }

    /** {@code image} scaled so that its longer side is {@link #SIZE}, the shorter truncated as MLflow's integer division does. */
    static BufferedImage scale(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int width = w > h ? SIZE : Math.max(1, (int) (w * ((double) SIZE / h)));
        int height = w > h ? Math.max(1, (int) (h * ((double) SIZE / w))) : SIZE;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static byte[] encode(BufferedImage image) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByMIMEType("image/webp");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no WebP encoder: the webp-imageio plugin is missing from the class path");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType(param.getCompressionTypes()[com.luciad.imageio.webp.WebPWriteParam.LOSSY_COMPRESSION]);
            param.setCompressionQuality(QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode WebP", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
