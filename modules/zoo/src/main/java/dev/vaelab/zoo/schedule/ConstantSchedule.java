package dev.vaelab.zoo.schedule;

import dev.vaelab.core.spec.ComponentSpec;

/** β fixed for the whole run: {@code {type: constant, value: 4.0}}. */
public record ConstantSchedule(double value) implements BetaSchedule {
    public static final String TYPE = "constant";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public double beta(long step) {
        return value;
    }

    public static final class Factory implements ScheduleFactory {
        @Override
        public BetaSchedule create(ComponentSpec spec, ScheduleContext context) {
            double value = spec.options().numberAtLeast("value", 0.0, 1.0);
            spec.options().finish();
            return new ConstantSchedule(value);
        }
    }
}
