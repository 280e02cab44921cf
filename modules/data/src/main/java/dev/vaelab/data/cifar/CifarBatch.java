package dev.vaelab.data.cifar;

import dev.vaelab.core.error.DataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads one batch file of CIFAR-10's binary version: records of one label byte (0 to 9) and 3072 pixel
 * bytes, the red, green and blue 32×32 planes in turn, which is already the channels-first order.
 */
public final class CifarBatch {
    public static final int CLASSES = 10;
    public static final int SIDE = 32;
    public static final int IMAGE_BYTES = 3 * SIDE * SIDE;
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;

    /** Receives record {@code index} of the batch; {@code pixels} is reused for the next record. */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(int index, int label, byte[] pixels);
    }

    private CifarBatch() {}

    /** The number of records in {@code batch}, from its size; an error when the size is not a whole number of records. */
    public static int records(Path batch) {
        try {
            long size = Files.size(batch);
            if (size % RECORD_BYTES != 0 || size / RECORD_BYTES > Integer.MAX_VALUE) {
                throw new DataException(batch + ": " + size + " bytes, not a whole number of " + RECORD_BYTES
                        + "-byte CIFAR-10 records; delete it to extract the archive again");
            }
            return (int) (size / RECORD_BYTES);
        } catch (NoSuchFileException e) {
            throw new DataException(batch + ": no such file");
        } catch (IOException e) {
            throw new DataException(batch + ": cannot read: " + e.getMessage());
        }
    }

    /** Streams every record of {@code batch} in order. */
    public static void read(Path batch, RecordConsumer consumer) {
        int records = records(batch);
        byte[] pixels = new byte[IMAGE_BYTES];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(batch), 1 << 16)) {
            for (int i = 0; i < records; i++) {
                int label = in.read();
                if (label < 0 || in.readNBytes(pixels, 0, IMAGE_BYTES) < IMAGE_BYTES) {
                    throw new DataException(batch + ": truncated at record " + i + "; delete it to extract the archive again");
                }
                if (label >= CLASSES) {
                    throw new DataException(batch + ": record " + i + " has label " + label + ", CIFAR-10 labels are 0 to 9");
                }
                consumer.accept(i, label, pixels);
            }
        } catch (IOException e) {
            throw new DataException(batch + ": cannot read: " + e.getMessage());
        }
    }
}
