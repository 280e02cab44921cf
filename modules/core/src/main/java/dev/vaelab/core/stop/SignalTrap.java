package dev.vaelab.core.stop;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process's signal handlers, through {@code sun.misc.Signal} (module jdk.unsupported, the only
 * way to handle a signal without starting the JVM's shutdown). A signal the JVM will not hand over
 * (SIGHUP under {@code nohup}, every signal under {@code -Xrs}) keeps its handler.
 */
@SuppressWarnings("restriction")
final class SignalTrap implements ProcessStop.Trap {
    @Override
    public Runnable install(Map<String, Integer> signals, ProcessStop.SignalHandler handler) {
        Map<sun.misc.Signal, sun.misc.SignalHandler> previous = new LinkedHashMap<>();
        signals.forEach((name, number) -> {
            sun.misc.Signal signal = new sun.misc.Signal(name);
            try {
                previous.put(signal, sun.misc.Signal.handle(signal, s -> handler.handle(name, number)));
            } catch (IllegalArgumentException | UnsupportedOperationException ignored) {
                // ignored at start, or reserved by the JVM: left as it is
            }
        });
        return () -> previous.forEach((signal, old) -> {
            try {
                sun.misc.Signal.handle(signal, old);
            } catch (IllegalArgumentException ignored) {
                // cannot happen for a handler that was installed; nothing to put back otherwise
            }
        });
    }
}
