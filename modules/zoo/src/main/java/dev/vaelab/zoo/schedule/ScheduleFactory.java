package dev.vaelab.zoo.schedule;

import dev.vaelab.core.spec.ComponentSpec;

/** Creates a β schedule from its {@code beta:} section; bound by YAML {@code beta.type}. */
@FunctionalInterface
public interface ScheduleFactory {
    BetaSchedule create(ComponentSpec spec, ScheduleContext context);
}
