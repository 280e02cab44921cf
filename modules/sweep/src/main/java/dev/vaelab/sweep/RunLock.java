package dev.vaelab.sweep;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.RunEnvironment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * Makes sure a run never runs twice at the same time: the process that runs it holds an exclusive
 * operating-system lock on {@code <results>/.locks/<experiment>/<run>.lock} for as long as it lives, with its pid and host
 * written inside for people and for the sweep. The lock dies with the process, however it dies
 * (SIGKILL included), so there is never a stale lock to clean up. The file sits outside the run's
 * folder because a failed run's folder is moved aside when it is retried.
 */
public final class RunLock implements AutoCloseable {
    private static final long POLL_MILLIS = 200;

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock now, or returns empty when another process (or this one) holds it. */
    public static Optional<RunLock> tryAcquire(Path file) {
        FileChannel channel = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldByThisProcess) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            ProcessHandle self = ProcessHandle.current();
            String holder = self.pid() + "@" + host() + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return Optional.of(new RunLock(channel, lock));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new VaelabException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Takes the lock, waiting up to {@code wait} for its holder to end; empty if it is still held then. */
    public static Optional<RunLock> acquire(Path file, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<RunLock> lock = tryAcquire(file);
            if (lock.isPresent() || System.nanoTime() >= deadline) {
                return lock;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** Who holds or last held the lock, {@code pid@host}; empty if the file does not exist. */
    public static Optional<String> holder(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new VaelabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The pid in {@link #holder}, when it names one on this host. */
    public static Optional<Long> holderPid(Path file) {
        return holder(file).filter(h -> h.endsWith("@" + host())).map(h -> Long.parseLong(h.substring(0, h.indexOf('@'))));
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it as well
        } finally {
            closeQuietly(channel);
        }
    }

    private static String host() {
        return RunEnvironment.detect().host();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
