package dev.vaelab.zoo.schedule;

import dev.vaelab.core.spec.ComponentSpec;
import java.util.OptionalDouble;

/**
 * Linear warm-up (Bowman et al. 2016; Sønderby et al. 2016): β rises linearly from {@code start}
 * at step 0 to {@code end} at step {@code warmupSteps}, then stays at {@code end}. The warm-up is
 * given as {@code warmup_epochs} or {@code warmup_steps}.
 */
public record LinearSchedule(double start, double end, long warmupSteps) implements BetaSchedule {
    public static final String TYPE = "linear";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double beta(long step) {
        if (warmupSteps <= 0 || step >= warmupSteps) {
            return end;
        }
        return start + (end - start) * step / warmupSteps;
    }

    public static final class Factory implements ScheduleFactory {
        @Override
        public BetaSchedule create(ComponentSpec spec, ScheduleContext context) {
            var options = spec.options();
            double start = options.numberAtLeast("start", 0.0, 0.0);
            double end = options.numberAtLeast("end", 0.0, 1.0);
            long steps = Math.round(Durations.steps(options, "warmup", context, OptionalDouble.of(1.0)));
            options.finish();
            return new LinearSchedule(start, end, steps);
        }
    }
}
