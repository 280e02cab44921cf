package dev.vaelab.sweep;

import java.util.Comparator;
import java.util.Objects;

/**
 * The metric that ranks a sweep's runs, {@code sweep.metric: {name: test/elbo, goal: maximize}}.
 *
 * @param name a metric key, read from each run's {@code summary.json}, else its last value in {@code metrics.csv}
 * @param maximize whether larger is better
 */
public record SweepMetric(String name, boolean maximize) {
    /** The default: the test ELBO, larger is better. */
    public static final SweepMetric DEFAULT = new SweepMetric("test/elbo", true);

    public SweepMetric {
        Objects.requireNonNull(name, "name");
    }

    /** {@code maximize} or {@code minimize}. */
    public String goal() {
        return maximize ? "maximize" : "minimize";
    }

    /** Best first; a missing (null) or NaN value sorts after every number. */
    public Comparator<Double> bestFirst() {
        Comparator<Double> byValue = maximize ? Comparator.<Double>reverseOrder() : Comparator.<Double>naturalOrder();
        return (a, b) -> {
            boolean aMissing = a == null || a.isNaN();
            boolean bMissing = b == null || b.isNaN();
            if (aMissing || bMissing) {
                return Boolean.compare(aMissing, bMissing);
            }
            return byValue.compare(a, b);
        };
    }
}
