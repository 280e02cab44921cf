package dev.vaelab.train;

import dev.vaelab.core.error.DataException;
import dev.vaelab.tracking.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The state needed to continue a run: every parameter and optimizer slot, the updates done, the
 * epochs completed (the random streams are functions of seed and epoch, so that is their state),
 * the metric rows logged before it and the partial sums of the logging window open at the
 * checkpoint, so that a resumed run logs exactly what an uninterrupted one does.
 * Stored as {@code VAELABCK}, a version, the values, then a CRC-32 of everything before it, and
 * written atomically: a crash leaves the previous checkpoint, never a torn one. Version 1 (before
 * the row count) is still read.
 *
 * @param metricRows the rows of {@code metrics.csv} when it was taken, or {@link #UNKNOWN_ROWS} (version 1)
 */
public record Checkpoint(long updates, int epochsDone, long metricRows, Map<String, float[]> values,
                         Map<String, Double> counters) {
    /** The row count of a version-1 checkpoint, which did not keep it: its run keeps the rows up to its step. */
    public static final long UNKNOWN_ROWS = -1;
    private static final long MAGIC = 0x5641454C4142434BL; // "VAELABCK"
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_ROWS = 1;

    public Checkpoint {
        if (metricRows < UNKNOWN_ROWS) {
            throw new IllegalArgumentException("metric rows " + metricRows);
        }
    }

    /** Whether it knows the rows logged before it (version 2); otherwise they are those up to its step. */
    public boolean knowsMetricRows() {
        return metricRows != UNKNOWN_ROWS;
    }

    /**
     * Writes the checkpoint to {@code file} atomically, streamed with its CRC computed on the way: a
     * large model's values are not held a second time as bytes.
     */
    public void write(Path file) {
        AtomicFiles.write(file, sink -> {
            CheckedOutputStream checked = new CheckedOutputStream(sink, new CRC32());
            DataOutputStream out = new DataOutputStream(checked);
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(updates);
            out.writeInt(epochsDone);
            out.writeLong(metricRows);
            out.writeInt(counters.size());
            for (Map.Entry<String, Double> e : counters.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
            out.writeInt(values.size());
            java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(1 << 16); // big-endian, as DataOutput
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                out.writeUTF(e.getKey());
                float[] v = e.getValue();
                out.writeInt(v.length);
                for (int from = 0; from < v.length; from += chunk.capacity() / 4) {
                    int n = Math.min(chunk.capacity() / 4, v.length - from);
                    chunk.clear();
                    chunk.asFloatBuffer().put(v, from, n);
                    out.write(chunk.array(), 0, n * 4);
                }
            }
            out.flush();
            // the CRC of everything before it, written past the checksummed stream
            long crc = checked.getChecksum().getValue();
            new DataOutputStream(sink).writeLong(crc);
        });
    }

    public static Checkpoint read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read checkpoint: " + e.getMessage(), e);
        }
        if (data.length < 8 + 4 + 8 + 4 + 4 + 4 + 8) {
            throw new DataException(file + ": not a vaelab checkpoint (too short)");
        }
        // the CRC is checked before anything is parsed, so a corrupt length never drives an allocation
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        if (java.nio.ByteBuffer.wrap(data, data.length - 8, 8).getLong() != crc.getValue()) {
            throw new DataException(file + ": checkpoint is corrupt (CRC-32 mismatch)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 8))) {
            if (in.readLong() != MAGIC) {
                throw new DataException(file + ": not a vaelab checkpoint (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION && version != VERSION_WITHOUT_ROWS) {
                throw new DataException(file + ": checkpoint version " + version + ", this vaelab reads "
                        + VERSION_WITHOUT_ROWS + " and " + VERSION);
            }
            long updates = in.readLong();
            int epochs = in.readInt();
            long rows = version == VERSION ? in.readLong() : UNKNOWN_ROWS;
            if (rows < UNKNOWN_ROWS) {
                throw new DataException(file + ": checkpoint claims " + rows + " metric rows");
            }
            Map<String, Double> counters = new LinkedHashMap<>();
            int counterCount = in.readInt();
            for (int i = 0; i < counterCount; i++) {
                counters.put(in.readUTF(), in.readDouble());
            }
            int count = in.readInt();
            Map<String, float[]> values = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int length = in.readInt();
                if (length < 0 || (long) length * 4 > in.available()) {
                    throw new DataException(file + ": checkpoint is truncated (" + name + " claims " + length + " values)");
                }
                float[] v = new float[length];
                byte[] raw = in.readNBytes(v.length * 4);
                if (raw.length != v.length * 4) {
                    throw new java.io.EOFException();
                }
                java.nio.ByteBuffer.wrap(raw).asFloatBuffer().get(v);
                values.put(name, v);
            }
            if (in.available() != 0) {
                throw new DataException(file + ": checkpoint has " + in.available() + " unexpected trailing bytes");
            }
            return new Checkpoint(updates, epochs, rows, values, counters);
        } catch (IOException e) {
            throw new DataException(file + ": checkpoint is truncated", e);
        }
    }
}
