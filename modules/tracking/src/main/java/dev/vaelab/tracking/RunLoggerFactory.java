package dev.vaelab.tracking;

/**
 * Opens the logger of a run. The local store is always written (it is what makes an unreachable
 * tracking server lose nothing); a factory may add remote loggers when a tracking URI is set.
 */
@FunctionalInterface
public interface RunLoggerFactory {
    RunLogger open(RunContext context);

    /** Only the local run store. */
    static RunLoggerFactory localOnly() {
        return context -> new LocalRunLogger(context.store(), java.time.Clock.systemUTC());
    }
}
