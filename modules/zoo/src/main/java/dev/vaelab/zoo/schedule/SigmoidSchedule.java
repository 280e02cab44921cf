package dev.vaelab.zoo.schedule;

import dev.vaelab.core.spec.ComponentSpec;
import java.util.OptionalDouble;

/**
 * Logistic KL annealing (Bowman et al. 2016): {@code β = start + (end - start)/(1 + e^-k(t - c))} at
 * step t, centred at step c (where β is halfway) with steepness k. The centre is given as
 * {@code center_steps} or {@code center_epochs}, and k per step or per epoch to match.
 *
 * <p>YAML: {@code {type: sigmoid, start: 0.0, end: 1.0, center_epochs: 5, steepness: 2.0}}.
 */
public record SigmoidSchedule(double start, double end, double centerStep, double steepnessPerStep)
        implements BetaSchedule {
    public static final String TYPE = "sigmoid";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double beta(long step) {
        return start + (end - start) / (1 + Math.exp(-steepnessPerStep * (step - centerStep)));
    }

    public static final class Factory implements ScheduleFactory {
        @Override
        public BetaSchedule create(ComponentSpec spec, ScheduleContext context) {
            var options = spec.options();
            double start = options.numberAtLeast("start", 0.0, 0.0);
            double end = options.numberAtLeast("end", 0.0, 1.0);
            boolean inEpochs = !options.has("center_steps");
            double center = Durations.steps(options, "center", context, OptionalDouble.empty());
            double steepness = options.positiveNumber("steepness");
            options.finish();
            return new SigmoidSchedule(start, end, center, inEpochs ? steepness / context.stepsPerEpoch() : steepness);
        }
    }
}
