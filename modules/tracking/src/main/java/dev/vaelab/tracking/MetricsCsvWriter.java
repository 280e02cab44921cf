package dev.vaelab.tracking;

import dev.vaelab.core.error.VaelabException;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends rows to one {@code metrics.csv}. Opening an existing file keeps its rows and header, and
 * cuts off a partial last line (left by a crash mid-write) so that new rows start on a line of their
 * own. The file is locked while open, so two processes cannot interleave rows of one run. Not
 * thread-safe: {@link RunStore} serialises access.
 */
final class MetricsCsvWriter implements Closeable {
    private static final byte[] HEADER_LINE = (MetricsCsv.HEADER + "\n").getBytes(StandardCharsets.US_ASCII);
    private static final int SCAN_BLOCK = 8192;

    private final Path file;
    private final FileChannel channel;
    private final Writer writer;

    private MetricsCsvWriter(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
        this.writer = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8));
    }

    /** Opens {@code file} for appending, creating it with its header when it is missing or empty. */
    static MetricsCsvWriter open(Path file) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            lock(file, channel);
            long complete = endOfLastCompleteLine(channel);
            if (complete < channel.size()) {
                channel.truncate(complete);
            }
            if (complete == 0) {
                channel.write(ByteBuffer.wrap(HEADER_LINE), 0);
                channel.force(false);
            } else {
                checkHeader(file, channel);
            }
            channel.position(channel.size());
            return new MetricsCsvWriter(file, channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new VaelabException("cannot open metrics file " + file + " for appending: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Whether a writer, in this process or another, holds {@code file} open: a run still being
     * written. False when the file does not exist.
     */
    static boolean isLocked(Path file) {
        if (!java.nio.file.Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Buffers one row; it reaches the file at the next {@link #flush}, or earlier when the buffer fills. */
    void append(MetricRow row) {
        MetricKeys.requireValid(row.key());
        try {
            writer.write(MetricsCsv.format(row));
        } catch (IOException e) {
            throw failure("append to", e);
        }
    }

    /** Hands buffered rows to the operating system: they survive a crash of this process. */
    void flush() {
        try {
            writer.flush();
        } catch (IOException e) {
            throw failure("flush", e);
        }
    }

    /** Flushes and forces the rows to disk: they survive a crash of the machine. */
    void sync() {
        flush();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw failure("sync", e);
        }
    }

    @Override
    public void close() {
        try {
            sync();
        } finally {
            // Closing the writer closes the channel, which releases the lock.
            try {
                writer.close();
            } catch (IOException e) {
                throw failure("close", e);
            }
        }
    }

    private VaelabException failure(String action, IOException e) {
        return new VaelabException("cannot " + action + " metrics file " + file + ": " + e.getMessage(), e);
    }

    /** Locks the whole file until the channel closes. */
    private static void lock(Path file, FileChannel channel) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new VaelabException("metrics file " + file + " is already open for writing, by this or another "
                    + "process; a run can be written by one logger at a time");
        }
    }

    /** The length of the file up to and including its last line break; 0 when it has none. */
    private static long endOfLastCompleteLine(FileChannel channel) throws IOException {
        long end = channel.size();
        ByteBuffer block = ByteBuffer.allocate(SCAN_BLOCK);
        while (end > 0) {
            long start = Math.max(0, end - SCAN_BLOCK);
            block.clear().limit((int) (end - start));
            readFully(channel, block, start);
            for (int i = block.position() - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private static void checkHeader(Path file, FileChannel channel) throws IOException {
        ByteBuffer first = ByteBuffer.allocate(HEADER_LINE.length);
        readFully(channel, first, 0);
        String text = new String(first.array(), 0, first.position(), StandardCharsets.UTF_8);
        if (!text.equals(MetricsCsv.HEADER + "\n")) {
            int newline = text.indexOf('\n');
            throw MetricsCsv.badHeader(file, newline >= 0 ? text.substring(0, newline) : text + "...");
        }
    }

    /** Fills {@code buffer} from {@code position} on, or up to the end of the file. */
    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                return;
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Reporting the failure that led here matters more.
            }
        }
    }
}
