package dev.vaelab.sweep;

import dev.vaelab.core.stop.ProcessStop;
import java.io.PrintStream;
import java.util.Optional;

/**
 * Ends a sweep's run when the sweep's process disappears, however it ended (SIGKILL included):
 * the run is recorded killed and stops as on SIGTERM ({@link ProcessStop}), and it resumes when the
 * sweep is started again. Without this an orphaned run would train on, unseen, holding its lock.
 */
public final class ParentWatch {
    /** The exit code of a run that stops because its sweep is gone (as after SIGTERM). */
    public static final int PARENT_GONE = 143;

    private ParentWatch() {
    }

    /** Watches process {@code pid} and exits this JVM when it ends; exits now if it is already gone. */
    public static void exitWhenGone(long pid, PrintStream err) {
        Optional<ProcessHandle> parent = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (parent.isEmpty()) {
            err.println("the sweep process " + pid + " is gone; not starting the run");
            System.exit(PARENT_GONE);
        }
        parent.get().onExit().thenRun(() -> {
            err.println("the sweep process " + pid + " is gone; stopping this run (it resumes when the sweep is "
                    + "started again)");
            err.flush();
            // as a SIGTERM would: recorded killed, out of ONNX Runtime, then exit (ProcessStop says why this way)
            ProcessStop.process().request(PARENT_GONE, "the sweep process " + pid + " ending");
        });
    }
}
