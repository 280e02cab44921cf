package dev.vaelab.core.stop;

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

    /** A request to stop: the exit code it ends the process with (128 + the signal's number) and why, in words. */
    record Stop(int exitCode, String reason) {
    }
}
