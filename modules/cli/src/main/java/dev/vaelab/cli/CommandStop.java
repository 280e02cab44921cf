package dev.vaelab.cli;

import dev.vaelab.core.error.RunStoppedException;
import dev.vaelab.core.stop.ProcessStop;

/**
 * The process's stop for a command that runs ONNX Runtime on its own thread ({@code sample},
 * {@code encode}): the JVM's own way out on Ctrl-C would release ONNX Runtime's environment under a
 * running call (see {@link ProcessStop}). While it is open a signal only asks the command to stop;
 * the command checks between its engine calls, leaves with exit code 128 + the signal's number and
 * writes nothing, and a call still running after the grace period ends with the process halted.
 */
final class CommandStop implements AutoCloseable {
    private final ProcessStop stops;
    private final ProcessStop.Scope scope;

    CommandStop(ProcessStop stops) {
        this.stops = stops;
        this.scope = stops.open(stop -> { }); // nothing to record: the command's output is not written
    }

    /** The process's own stop. */
    static CommandStop ofProcess() {
        return new CommandStop(ProcessStop.process());
    }

    /**
     * Leaves the command if it was asked to stop.
     *
     * @param what what is left unwritten, for the message ("nothing was written to x.npy")
     * @throws RunStoppedException when it was
     */
    void check(String what) {
        stops.leaveIfAsked(what);
    }

    @Override
    public void close() {
        scope.close();
    }
}
