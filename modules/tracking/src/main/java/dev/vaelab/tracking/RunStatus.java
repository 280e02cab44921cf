package dev.vaelab.tracking;

import dev.vaelab.core.error.VaelabException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a run stands, as written to {@code run.json}; the names match MLflow's run statuses. */
public enum RunStatus {
    RUNNING,
    FINISHED,
    FAILED,
    /** Stopped from outside (Ctrl-C, a scheduler) before it could finish. */
    KILLED;

    /** The lower-case name used in {@code run.json}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the run has ended in this status. */
    public boolean isTerminal() {
        return this != RUNNING;
    }

    /** The status with the given {@link #wireName()}; fails listing the known names. */
    public static RunStatus fromWireName(String name) {
        for (RunStatus status : values()) {
            if (status.wireName().equals(name)) {
                return status;
            }
        }
        throw new VaelabException("unknown run status '" + name + "'; known: "
                + Arrays.stream(values()).map(RunStatus::wireName).collect(Collectors.joining(", ")));
    }
}
