package dev.vaelab.core.stop;

import dev.vaelab.core.error.RunStoppedException;
import java.util.Optional;

/** Whether this process has been asked to stop (Ctrl-C, a scheduler's SIGTERM, its sweep gone), and how. */
public interface StopRequest {
    /** Never asked to stop: a run inside a test, a benchmark. */
    StopRequest NONE = Optional::empty;

    /** The stop asked for, if any. */
    Optional<Stop> stop();

    /** Whether a stop has been asked for. */
    default boolean requested() {
        return stop().isPresent();
    }

    /**
     * Leaves what the caller is doing if a stop was asked for: where a stopping process must not
     * begin another engine call.
     *
     * @throws RunStoppedException "stopped by SIGTERM", with the stop's exit code
     */
    default void leaveIfAsked() {
        leaveIfAsked(null);
    }

    /** As {@link #leaveIfAsked()}, the message going on with {@code consequence} ("nothing was written to x.npy"). */
    default void leaveIfAsked(String consequence) {
        Optional<Stop> asked = stop();
        if (asked.isPresent()) {
            throw new RunStoppedException("stopped by " + asked.get().reason()
                    + (consequence == null ? "" : "; " + consequence), asked.get().exitCode());
        }
    }

    /** A request to stop: the exit code it ends the process with (128 + the signal's number) and why, in words. */
    record Stop(int exitCode, String reason) {
    }
}
