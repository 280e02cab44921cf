package dev.vaelab.sweep;

/**
 * The command a launched process runs for one run of a sweep, and what its exit code means. The
 * sweep reads the outcome from the run's {@code run.json}; the exit code tells the cases that file
 * cannot: a process that died before writing it, and a run that another process holds.
 */
public final class ChildRun {
    /** The (hidden) {@code vaelab} subcommand. */
    public static final String COMMAND = "sweep-run";
    /** The run finished (or had finished before). */
    public static final int FINISHED = 0;
    /** The run failed; {@code run.json} (if the run got that far) says why, the log in any case. */
    public static final int FAILED = 1;
    /** Another process holds the run's lock: it is running elsewhere (EX_TEMPFAIL). */
    public static final int BUSY = 75;

    private ChildRun() {
    }

    /** What an exit code says, for messages: {@code exit code 137 (killed by signal 9, SIGKILL)}. */
    public static String describeExit(int code) {
        String text = "exit code " + code;
        if (code > 128 && code < 128 + 32) {
            int signal = code - 128;
            String name = switch (signal) {
                case 1 -> "SIGHUP";
                case 2 -> "SIGINT";
                case 6 -> "SIGABRT";
                case 9 -> "SIGKILL";
                case 11 -> "SIGSEGV";
                case 15 -> "SIGTERM";
                default -> "signal " + signal;
            };
            return text + " (killed by signal " + signal + ", " + name + ")";
        }
        return text;
    }
}
