package dev.vaelab.core.error;

/**
 * A run ended because the process was asked to stop; it is recorded killed and resumes when run
 * again. The command line exits with {@link #exitCode()} (128 + the signal's number), which a sweep
 * reads as "stopped", not "failed".
 */
public final class RunStoppedException extends VaelabException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public RunStoppedException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public RunStoppedException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** 128 + the number of the signal that stopped the run (143 for SIGTERM). */
    public int exitCode() {
        return exitCode;
    }
}
