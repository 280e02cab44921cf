package dev.vaelab.core.stop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * How this process stops, while it trains, when asked to: Ctrl-C (SIGINT), a scheduler's or a
 * sweep's SIGTERM, SIGHUP, or the sweep that started it gone.
 *
 * <p>The JVM's own way, its shutdown hooks, runs every hook at once, and ONNX Runtime registers one
 * that releases its native environment: with the training thread still inside a session, the
 * process then dies in native code (SIGSEGV, an {@code hs_err} file in the working directory), at
 * times before the run has recorded that it was stopped. So while a {@link Scope} is open the
 * signals are taken over: the scope's action records the stop at once, the training thread sees
 * {@link #requested()} before its next engine call and leaves ONNX Runtime, and the process exits
 * with 128 + the signal's number through the usual path (a run also ends its engine's running call,
 * {@code OrtEngine.terminate}). Should it not have exited within the grace period after the stop is
 * recorded, or on a second signal, it halts; no Java hook runs then, though the C library's exit
 * handlers do (so a halt under a running call is the last resort, not the way), and the stop is
 * already recorded.
 */
public final class ProcessStop implements StopRequest {
    /** The signals taken over, with their numbers (the exit code is 128 + it). */
    private static final Map<String, Integer> SIGNALS = Map.of("INT", 2, "TERM", 15, "HUP", 1);
    /** The longest the stop's recording is waited for (a run's record is written at once; its MLflow drain takes up to 10 s). */
    private static final Duration RECORD_WAIT = Duration.ofSeconds(15);
    private static final ProcessStop PROCESS = new ProcessStop(Duration.ofSeconds(5), new SignalTrap(),
            code -> Runtime.getRuntime().halt(code), System::exit);

    private final Duration grace;
    private final Trap trap;
    private final IntConsumer halt;
    private final IntConsumer exit;
    private final Set<Scope> scopes = new LinkedHashSet<>();
    private Runnable restoreSignals;
    private volatile Stop stop;
    private final java.util.concurrent.CountDownLatch recorded = new java.util.concurrent.CountDownLatch(1);

    /**
     * A stop with its own grace period and ways to halt and exit (tests); {@link #process()} is
     * the one the process's signals reach.
     */
    ProcessStop(Duration grace, Trap trap, IntConsumer halt, IntConsumer exit) {
        this.grace = grace;
        this.trap = trap;
        this.halt = halt;
        this.exit = exit;
    }

    /** The process's stop, which the signals reach while a scope is open. */
    public static ProcessStop process() {
        return PROCESS;
    }

    @Override
    public Optional<Stop> stop() {
        return Optional.ofNullable(stop);
    }

    /**
     * Takes over the signals until the scope is closed; {@code onStop} records the stop (it runs
     * once, on the thread that asks for the stop, before anything else happens).
     */
    public synchronized Scope open(java.util.function.Consumer<Stop> onStop) {
        Scope scope = new Scope(onStop);
        if (scopes.isEmpty()) {
            restoreSignals = trap.install(SIGNALS, this::signalled);
        }
        scopes.add(scope);
        return scope;
    }

    private synchronized void close(Scope scope) {
        if (scopes.remove(scope) && scopes.isEmpty() && restoreSignals != null) {
            restoreSignals.run();
            restoreSignals = null;
        }
    }

    private void signalled(String name, int number) {
        request(128 + number, "SIG" + name);
    }

    /**
     * Asks the process to stop with {@code exitCode}, {@code reason} saying why. With no scope open,
     * nothing trains here, and it exits the JVM's way; otherwise as the class says.
     */
    public void request(int exitCode, String reason) {
        List<Scope> open = List.of();
        Stop again = null;
        synchronized (this) {
            if (stop != null) {
                again = stop;
            } else {
                open = new ArrayList<>(scopes);
                if (!open.isEmpty()) {
                    stop = new Stop(exitCode, reason);
                }
            }
        }
        if (again != null) {
            // asked again (a second Ctrl-C): no more waiting than for the stop to be recorded
            awaitRecorded();
            halt.accept(again.exitCode());
            return;
        }
        if (open.isEmpty()) {
            exit.accept(exitCode);
            return;
        }
        Stop asked = stop;
        // started first, so that an action that hangs cannot keep the process from ending
        Thread watchdog = new Thread(() -> {
            awaitRecorded();
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            halt.accept(asked.exitCode());
        }, "vaelab-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        for (Scope scope : open) {
            try {
                scope.onStop.accept(asked);
            } catch (RuntimeException | Error e) {
                System.err.println("while recording the stop: " + e);
            }
        }
        recorded.countDown();
    }

    private void awaitRecorded() {
        try {
            recorded.await(RECORD_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** While open, the process's stop signals reach this scope's action. */
    public final class Scope implements AutoCloseable {
        private final java.util.function.Consumer<Stop> onStop;

        private Scope(java.util.function.Consumer<Stop> onStop) {
            this.onStop = onStop;
        }

        @Override
        public void close() {
            ProcessStop.this.close(this);
        }
    }

    /** Installs handlers for named signals and returns how to put the previous ones back. */
    interface Trap {
        Runnable install(Map<String, Integer> signals, SignalHandler handler);
    }

    /** Called on a signal, with its name (TERM) and number. */
    interface SignalHandler {
        void handle(String name, int number);
    }
}
