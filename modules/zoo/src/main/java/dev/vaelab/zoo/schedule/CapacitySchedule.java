package dev.vaelab.zoo.schedule;

import dev.vaelab.core.spec.ComponentSpec;
import java.util.OptionalDouble;

/**
 * Controlled capacity increase (Burgess et al. 2018, "Understanding disentangling in β-VAE"): the
 * objective becomes {@code -recon + γ·|KL - C|}, with the capacity C rising linearly from 0 at
 * step 0 to {@code c_max} nats at step N, then held: {@code C(t) = c_max·min(1, t/N)}. β is the
 * constant γ. Read by the {@code beta-vae} objective.
 *
 * <p>YAML: {@code {type: capacity, c_max: 25.0, gamma: 1000.0, warmup_steps: 100000}} (the paper's
 * dSprites setting), or {@code warmup_epochs}.
 */
public record CapacitySchedule(double cMax, double gamma, long warmupSteps) implements BetaSchedule {
    public static final String TYPE = "capacity";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double beta(long step) {
        return gamma;
    }

    @Override
    public boolean hasCapacity() {
        return true;
    }

    @Override
    public double capacity(long step) {
        if (warmupSteps <= 0 || step >= warmupSteps) {
            return cMax;
        }
        return cMax * step / warmupSteps;
    }

    public static final class Factory implements ScheduleFactory {
        @Override
        public BetaSchedule create(ComponentSpec spec, ScheduleContext context) {
            var options = spec.options();
            double cMax = options.numberAtLeast("c_max", 0.0);
            double gamma = options.positiveNumber("gamma", 1000.0);
            long steps = Math.round(Durations.steps(options, "warmup", context, OptionalDouble.empty()));
            options.finish();
            return new CapacitySchedule(cMax, gamma, steps);
        }
    }
}
