package dev.vaelab.tracking;

import dev.vaelab.core.error.VaelabException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes whole files so that a reader, or a crash, never sees a partly written one: the content goes
 * to a temporary file in the target's directory, is forced to disk, and is then renamed over the
 * target in one atomic step. The rename must stay within one directory (one file system), which is
 * why the temporary file is created next to the target rather than in the system temp folder.
 *
 * <p>A process stopped while it writes (Ctrl-C during a long {@code vaelab sample --out x.npy})
 * would leave its hidden temporary file behind, hundreds of MB of it: the JVM's shutdown deletes the
 * temporary files still being written half a second after it began (small writes that shutdown
 * itself makes, such as a run recording its stop, finish within that).
 */
public final class AtomicFiles {
    /** Prefix of the temporary files; readers of a run directory can skip names that start with it. */
    public static final String TEMP_PREFIX = ".vaelab-tmp-";

    /** How long the shutdown lets writes in progress finish before it deletes their temporary files. */
    private static final long ABANDON_AFTER_MILLIS = 500;
    private static final java.util.Set<Path> IN_FLIGHT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean CLEANUP = new java.util.concurrent.atomic.AtomicBoolean();

    private AtomicFiles() {}

    private static void track(Path temp) {
        if (CLEANUP.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::deleteAbandoned, "vaelab-partial-files"));
            } catch (IllegalStateException shuttingDown) {
                // a write begun while the JVM stops: the caller's own failure deletes its file
            }
        }
        IN_FLIGHT.add(temp);
    }

    /** The temporary files written when the JVM began to stop and still being written shortly after. */
    static void deleteAbandoned() {
        long deadline = System.nanoTime() + ABANDON_AFTER_MILLIS * 1_000_000L;
        while (!IN_FLIGHT.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Path temp : java.util.List.copyOf(IN_FLIGHT)) {
            deleteQuietly(temp);
        }
    }

    /**
     * Temporary files are created owner-only (0600); results are shared (models, grids), so they get
     * the permissions an ordinary file would (0644), where the file system has POSIX permissions.
     */
    private static void readableByAll(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Writes a file's content to a stream, for content too big to be built in memory first. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Replaces {@code target} with {@code content} atomically; creates missing parent directories. */
    public static void write(Path target, byte[] content) {
        write(target, out -> out.write(content));
    }

    /**
     * Replaces {@code target} with what {@code content} writes, atomically, streamed to disk (a
     * checkpoint of a large model need not exist twice on the heap).
     */
    public static void write(Path target, Content content) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, TEMP_PREFIX + absolute.getFileName() + ".", ".tmp");
            track(temp);
            readableByAll(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                // Force before the rename: otherwise a power loss can leave the new name on empty data.
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            IN_FLIGHT.remove(temp);
            temp = null;
            syncDirectory(dir);
        } catch (AtomicMoveNotSupportedException e) {
            throw new VaelabException("cannot replace " + absolute + " atomically: the file system of "
                    + dir + " does not support atomic renames; choose a results folder on a local disk", e);
        } catch (IOException e) {
            throw new VaelabException("cannot write " + absolute + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
                IN_FLIGHT.remove(temp);
            }
        }
    }

    /** Replaces {@code target} with {@code content} encoded as UTF-8, atomically. */
    public static void writeString(Path target, String content) {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Makes the rename itself durable; POSIX systems allow this, others (Windows) refuse and need not. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The file itself is complete and renamed; only durability of the rename across power loss is weaker.
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The original failure is what the caller needs to see; a stray temp file is harmless.
        }
    }
}
