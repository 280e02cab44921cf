package dev.vaelab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run lock across processes: held while its process lives, free the moment it dies, even by SIGKILL. */
class RunLockTest {
    @TempDir
    Path dir;

    @Test
    void aLockHeldByAnotherProcessIsRefusedAndFreedWhenThatProcessIsKilled() throws Exception {
        Path file = dir.resolve(".locks/run-1.lock");
        List<String> command = ChildJvm.current(LockHolder.class.getName()).command(List.of(file.toString()),
                dir.resolve("jvm.args"));
        Process holder = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("held", out.readLine());
            assertEquals(Optional.of(holder.pid()), RunLock.holderPid(file));
            assertTrue(RunLock.tryAcquire(file).isEmpty(), "another process holds the lock");
            long began = System.nanoTime();
            assertTrue(RunLock.acquire(file, Duration.ofMillis(500)).isEmpty());
            assertTrue(System.nanoTime() - began >= 400_000_000L, "acquire waits before giving up");

            holder.destroyForcibly(); // SIGKILL: no cleanup runs in the holder
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            try (RunLock mine = RunLock.acquire(file, Duration.ofSeconds(10)).orElseThrow()) {
                assertEquals(Optional.of(ProcessHandle.current().pid()), RunLock.holderPid(file));
                assertTrue(RunLock.tryAcquire(file).isEmpty(), "held by this process, so not twice either");
            }
            assertFalse(RunLock.tryAcquire(file).map(l -> {
                l.close();
                return false;
            }).orElse(true), "released on close");
        } finally {
            holder.destroyForcibly();
        }
    }
}
