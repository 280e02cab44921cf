package dev.vaelab.tracking.mlflow;

import java.io.PrintStream;

/** Where tracking tells the user, in one line each, what happened with MLflow (an outage, a refusal, a run's page). */
@FunctionalInterface
public interface Notices {
    void say(String line);

    /** Lines printed to {@code out}. */
    static Notices printingTo(PrintStream out) {
        return line -> {
            out.println(line);
            out.flush();
        };
    }
}
