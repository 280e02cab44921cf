package dev.vaelab.zoo.schedule;

/** The run's length, so that schedules given in epochs can be converted to steps. */
public record ScheduleContext(long stepsPerEpoch, long totalSteps) {
}
