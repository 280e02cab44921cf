package dev.vaelab.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A sweep's plan as saved in {@code sweep/plan.json}: enough for {@code vaelab summary} to
 * tabulate the sweep later, pending runs included, with its parameters and ranking metric.
 *
 * @param experiment the experiment (results folder)
 * @param metric the ranking metric
 * @param parameters the swept keys, in written order
 * @param runs each run's name and swept values, in sweep order
 */
public record PlanRecord(String experiment, SweepMetric metric, List<String> parameters, List<Entry> runs) {
    /** One planned run: its name and its swept values as text. */
    public record Entry(String name, Map<String, String> parameters) {
        public Entry {
            Objects.requireNonNull(name, "name");
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }

    public PlanRecord {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(metric, "metric");
        parameters = List.copyOf(parameters);
        runs = List.copyOf(runs);
    }

    /** The record of a plan. */
    public static PlanRecord of(SweepPlan plan) {
        return new PlanRecord(plan.experiment(), plan.spec().metric(), plan.spec().keys(),
                plan.runs().stream().map(r -> new Entry(r.name(), r.parameters())).toList());
    }
}
