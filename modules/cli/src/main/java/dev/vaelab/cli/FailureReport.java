package dev.vaelab.cli;

import dev.vaelab.core.error.VaelabException;
import java.io.PrintWriter;

/**
 * Turns whatever ends a command (a user error, a bug, an {@link Error} such as running out of
 * memory) into one line on the console, never a stack trace: a user cannot act on a trace, and
 * one hides the line that says what to do. With {@code --debug} or {@code VAELAB_DEBUG=1} the
 * trace follows the line, for a bug report.
 */
final class FailureReport {
    static final String DEBUG_OPTION = "--debug";
    static final String DEBUG_VARIABLE = "VAELAB_DEBUG";

    private final boolean debug;

    FailureReport(boolean debug) {
        this.debug = debug;
    }

    /** Debugging is on when the command line names {@code --debug} or {@code VAELAB_DEBUG} is set to anything but 0. */
    static FailureReport of(String[] args, java.util.Map<String, String> environment) {
        String variable = environment.get(DEBUG_VARIABLE);
        boolean fromEnvironment = variable != null && !variable.isBlank() && !variable.strip().equals("0");
        return new FailureReport(fromEnvironment || java.util.Arrays.asList(args).contains(DEBUG_OPTION));
    }

    /** Prints the failure's line (and its trace when debugging) and returns the exit code. */
    int report(Throwable failure, PrintWriter err) {
        err.println("error: " + line(failure));
        if (debug) {
            failure.printStackTrace(err);
        }
        err.flush();
        // a stopped run exits as a stopped process does (143 for SIGTERM): a sweep reads it as killed, not failed
        return failure instanceof dev.vaelab.core.error.RunStoppedException stopped ? stopped.exitCode() : 1;
    }

    /** The one line a user sees: a user error's own message, otherwise what happened and how to see more. */
    String line(Throwable failure) {
        // a user error may arrive wrapped (Guice wraps what a constructor throws, picocli what a command throws)
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof VaelabException) {
                return t.getMessage() == null ? "(no message)" : t.getMessage();
            }
        }
        Throwable cause = rootOf(failure);
        if (cause instanceof OutOfMemoryError oom) {
            return "out of memory (" + (oom.getMessage() == null ? "no detail" : oom.getMessage()) + "): make the model or "
                    + "the batch size smaller, or give Java more memory (VAELAB_JAVA_OPTS=-Xmx4g)" + traceHint();
        }
        if (cause instanceof StackOverflowError) {
            return "the input nests too deeply to be processed (stack overflow)" + traceHint();
        }
        String message = cause.getMessage() == null ? "" : ": " + oneLine(cause.getMessage());
        return "internal error (" + cause.getClass().getSimpleName() + message + "); this is a bug in vaelab" + traceHint();
    }

    private String traceHint() {
        return debug ? "" : " [" + DEBUG_OPTION + " or " + DEBUG_VARIABLE + "=1 shows the trace]";
    }

    /** The innermost cause that is not a user error's wrapper, e.g. the OutOfMemoryError under an ExecutionException. */
    private static Throwable rootOf(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof OutOfMemoryError)) {
            t = t.getCause();
        }
        return t;
    }

    private static String oneLine(String message) {
        return message == null ? "(no message)" : message.strip().replaceAll("\\s*\\R\\s*", " | ");
    }
}
