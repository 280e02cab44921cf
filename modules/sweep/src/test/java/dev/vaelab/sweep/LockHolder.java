package dev.vaelab.sweep;

import java.nio.file.Path;

/** A process that takes a run lock, says so, and holds it until it is killed (for {@link RunLockTest}). */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (RunLock lock = RunLock.tryAcquire(Path.of(args[0])).orElseThrow()) {
            System.out.println("held");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
