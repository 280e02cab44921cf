package dev.vaelab.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logs, every {@code log.every_steps} updates, the means over the updates since the last log of
 * every metric the step graph reports (as {@code train/<name>}), the throughput, the objective's
 * values in force (β, C, ...) and the learning rate. The open window's sums go into the checkpoint, so that a resumed run
 * logs exactly what an uninterrupted one does.
 */
final class MetricWindow implements TrainingListener {
    private static final String SUM = "window/sum/";

    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int steps;
    private double seconds;
    private long examples;

    @Override
    public int order() {
        return METRICS;
    }

    @Override
    public void restore(Map<String, Double> counters) {
        sums.clear();
        counters.forEach((key, value) -> {
            if (key.startsWith(SUM)) {
                sums.put(key.substring(SUM.length()), value);
            }
        });
        steps = counters.getOrDefault("window/steps", 0.0).intValue();
        seconds = counters.getOrDefault("window/seconds", 0.0);
        examples = counters.getOrDefault("window/examples", 0.0).longValue();
    }

    @Override
    public void onStep(TrainingRun run, StepResult step) {
        if (!Float.isFinite(step.loss())) {
            // the run stops here (DivergenceGuard): the last, partial window is logged too, so that
            // "the metrics up to step s are kept" holds whatever log.every_steps is
            if (steps > 0) {
                log(run, step.step() - 1);
            }
            return;
        }
        step.chunkMetrics().forEach((name, values) -> sums.merge(name, (double) values[step.index()], Double::sum));
        steps++;
        seconds += step.nanos() / 1e9;
        examples += run.plan().batchSize();
        int every = run.experiment().log().everySteps();
        if (every > 0 && step.step() % every == 0) {
            log(run, step.step());
        }
    }

    /** The window's means, with the objective's values in force at update {@code step}, logged at {@code step}. */
    private void log(TrainingRun run, long step) {
        Map<String, Double> metrics = drain();
        metrics.putAll(run.objective().valuesInForce(step - 1));
        metrics.put("train/lr", run.experiment().optimizer().lr());
        run.logger().logMetrics(metrics, step);
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((name, sum) -> out.put(SUM + name, sum));
        out.put("window/steps", (double) steps);
        out.put("window/seconds", seconds);
        out.put("window/examples", (double) examples);
        return out;
    }

    private Map<String, Double> drain() {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((name, sum) -> out.put("train/" + name, sum / steps));
        out.put("train/examples_per_sec", examples / seconds);
        sums.clear();
        steps = 0;
        seconds = 0;
        examples = 0;
        return out;
    }
}
