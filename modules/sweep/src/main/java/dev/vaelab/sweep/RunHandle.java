package dev.vaelab.sweep;

import java.util.OptionalInt;

/** A run a {@link Launcher} started. Thread-safe. */
public interface RunHandle {
    /** The exit code of the run's process once it has ended; empty while it runs. */
    OptionalInt exitCode();

    /** Asks the run to stop gracefully: it records itself killed and resumes when started again. */
    void stop();

    /** Ends the run at once (after {@link #stop} was given time). */
    void kill();

    /** How to find it, e.g. {@code pid 4242}. */
    String describe();
}
