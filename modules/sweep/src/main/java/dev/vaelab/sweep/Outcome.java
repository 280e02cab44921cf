package dev.vaelab.sweep;

import java.util.Locale;

/** How one run of a sweep stands. */
public enum Outcome {
    /** Not started (yet, or because the sweep was stopped). */
    PENDING,
    /** Its process is running. */
    RUNNING,
    FINISHED,
    /** Failed: an error, a NaN, an out-of-memory error, or a process that died. */
    FAILED,
    /** Stopped from outside (Ctrl-C); resumes from its checkpoint when the sweep starts again. */
    KILLED,
    /** Another process holds the run: it is running elsewhere. */
    BUSY;

    /** The lower-case name used in files and tables. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
