package dev.vaelab.zoo.schedule;

import dev.vaelab.core.spec.ComponentSpec;
import java.util.Set;

/**
 * Cyclical annealing (Fu et al. 2019, "Cyclical Annealing Schedule", eq. 7): the run's T steps are
 * cut into M cycles of ⌈T/M⌉ steps; at step t (0-based, their t - 1) the position in the cycle is
 * {@code τ = (t mod ⌈T/M⌉)/(T/M)}, and {@code β = max·f(τ/R)} while τ ≤ R, then {@code max} for
 * the rest of the cycle. The ramp f is linear, f(v) = v, or the sigmoid of the authors' code,
 * f(v) = 1/(1 + e^-(12v - 6)), which runs from 0.0025 to 0.9975.
 *
 * <p>YAML: {@code {type: cyclical, cycles: 4, ratio: 0.5, max: 1.0, ramp: linear | sigmoid}}, the
 * paper's defaults.
 */
public record CyclicalSchedule(long totalSteps, int cycles, double ratio, double max, boolean sigmoid)
        implements BetaSchedule {
    public static final String TYPE = "cyclical";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double beta(long step) {
        long cycleLength = Math.max(1, (totalSteps + cycles - 1) / cycles); // ⌈T/M⌉
        double tau = (step % cycleLength) / ((double) totalSteps / cycles);
        if (tau > ratio) {
            return max;
        }
        double v = tau / ratio;
        return max * (sigmoid ? 1 / (1 + Math.exp(-(12 * v - 6))) : v);
    }

    public static final class Factory implements ScheduleFactory {
        @Override
        public BetaSchedule create(ComponentSpec spec, ScheduleContext context) {
            var options = spec.options();
            int cycles = options.positiveInt("cycles", 4);
            double ratio = options.positiveNumber("ratio", 0.5);
            if (ratio > 1) {
                throw options.invalid("ratio", "is the fraction of each cycle spent rising, at most 1, got " + ratio);
            }
            double max = options.numberAtLeast("max", 0.0, 1.0);
            boolean sigmoid = options.choice("ramp", Set.of("linear", "sigmoid"), "linear").equals("sigmoid");
            options.finish();
            return new CyclicalSchedule(Math.max(1, context.totalSteps()), cycles, ratio, max, sigmoid);
        }
    }
}
