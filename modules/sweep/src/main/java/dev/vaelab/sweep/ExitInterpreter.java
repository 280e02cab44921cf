package dev.vaelab.sweep;

import dev.vaelab.core.error.DataException;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Decides how a run ended once its process has exited: from its {@code run.json} when the run
 * recorded an outcome there, else from the exit code and the end of its log. A run whose process
 * died without recording one (a native crash, SIGKILL, the out-of-memory killer) is recorded as
 * failed in its {@code run.json} here, under the run's lock, with the exit code and the last lines
 * of its output, so the run store never keeps claiming that a dead run is running. A run asked to
 * stop (by the sweep, or by SIGINT, SIGTERM or SIGHUP) before it could record it is recorded as
 * killed instead, so it resumes when the sweep is started again.
 */
final class ExitInterpreter {
    private static final int TAIL_LINES = 8;

    private ExitInterpreter() {
    }

    /** Exit codes of a JVM ended by a request to stop: 128 + SIGHUP, SIGINT, SIGTERM. */
    private static final java.util.Set<Integer> STOP_SIGNALS = java.util.Set.of(129, 130, 143);

    /**
     * How the run ended; {@code stopping} says whether the sweep had asked its runs to stop.
     */
    static RunResult interpret(SweepLayout layout, PlannedRun run, int exitCode, double seconds, boolean stopping) {
        String name = run.name();
        if (exitCode == ChildRun.BUSY) {
            String holder = RunLock.holder(layout.lockFile(name)).orElse("another process");
            return new RunResult(name, Outcome.BUSY, "the run is running in " + holder, exitCode, seconds, false);
        }
        Path runFile = layout.runDirectory(name).resolve(RunStore.RUN_FILE);
        Optional<RunRecord> record;
        try {
            record = Files.isRegularFile(runFile) ? Optional.of(RunRecordJson.read(runFile)) : Optional.empty();
        } catch (DataException corrupt) {
            return new RunResult(name, Outcome.FAILED, SweepRunner.corruptNote(corrupt), exitCode, seconds, false);
        }
        if (record.isPresent()) {
            RunRecord r = record.get();
            switch (r.status()) {
                case FINISHED:
                    return new RunResult(name, Outcome.FINISHED, null, exitCode, seconds, false);
                case FAILED:
                    return new RunResult(name, Outcome.FAILED, r.error() + "\nlast output:\n" + tail(layout, name),
                            exitCode, seconds, false);
                case KILLED:
                    return new RunResult(name, Outcome.KILLED, r.error(), exitCode, seconds, false);
                default:
                    break; // still "running": the process died without a word
            }
        }
        boolean stopped = stopping || STOP_SIGNALS.contains(exitCode);
        String error = "the run's process ended with " + ChildRun.describeExit(exitCode)
                + (record.isPresent() ? " without recording how the run ended" : " before the run started")
                + (stopped ? ", asked to stop" : "") + "; last output:\n" + tail(layout, name);
        if (record.isPresent()) {
            mark(layout, name, stopped ? RunStatus.KILLED : RunStatus.FAILED, error);
        }
        return new RunResult(name, stopped ? Outcome.KILLED : Outcome.FAILED, error, exitCode, seconds, false);
    }

    private static String tail(SweepLayout layout, String name) {
        List<String> lines = LogTail.lines(layout.logFile(name), TAIL_LINES);
        return lines.isEmpty() ? "(none)" : String.join("\n", lines);
    }

    /** Writes the outcome into run.json, unless another process has taken the run up meanwhile. */
    private static void mark(SweepLayout layout, String name, RunStatus status, String error) {
        Optional<RunLock> lock = RunLock.tryAcquire(layout.lockFile(name));
        if (lock.isEmpty()) {
            return;
        }
        try (RunLock held = lock.get(); RunStore store = RunStore.open(layout.runDirectory(name))) {
            if (store.record().status() == RunStatus.RUNNING) {
                store.setStatus(status, error);
            }
        }
    }

    /** Lines for a console: the first line of an error. */
    static String firstLine(String error) {
        if (error == null) {
            return "";
        }
        List<String> lines = error.lines().toList();
        return lines.isEmpty() ? "" : lines.get(0);
    }
}
