package dev.vaelab.zoo.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ComponentSpec;
import org.junit.jupiter.api.Test;

/** β schedules at their boundaries, against their published definitions. */
class ScheduleTest {
    private static final ScheduleContext CONTEXT = new ScheduleContext(100, 1000);

    private static BetaSchedule schedule(ScheduleFactory factory, String yaml) {
        ComponentSpec spec = ComponentSpec.read(ConfigLoader.parse("beta: " + yaml, "test.yaml"), "beta");
        return factory.create(spec, CONTEXT);
    }

    @Test
    void constantIsConstant() {
        BetaSchedule s = schedule(new ConstantSchedule.Factory(), "{type: constant, value: 4}");
        assertEquals(4.0, s.beta(0));
        assertEquals(4.0, s.beta(999_999));
    }

    @Test
    void linearWarmUpInEpochsRisesFromStartToEndThenHolds() {
        BetaSchedule s = schedule(new LinearSchedule.Factory(), "{type: linear, start: 0.0, end: 4.0, warmup_epochs: 5}");
        assertEquals(0.0, s.beta(0));
        assertEquals(2.0, s.beta(250), 1e-12); // halfway through 5 epochs of 100 steps
        assertEquals(4.0 * 499 / 500, s.beta(499), 1e-12);
        assertEquals(4.0, s.beta(500));
        assertEquals(4.0, s.beta(10_000));
    }

    @Test
    void linearWarmUpInSteps() {
        BetaSchedule s = schedule(new LinearSchedule.Factory(), "{type: linear, start: 1.0, end: 0.5, warmup_steps: 10}");
        assertEquals(1.0, s.beta(0));
        assertEquals(0.75, s.beta(5), 1e-12);
        assertEquals(0.5, s.beta(10));
    }

    @Test
    void linearRejectsBothWarmUpForms() {
        ConfigException e = assertThrows(ConfigException.class, () -> schedule(new LinearSchedule.Factory(),
                "{type: linear, end: 1, warmup_steps: 10, warmup_epochs: 2}"));
        assertTrue(e.getMessage().contains("either warmup_epochs or warmup_steps"), e.getMessage());
    }

    @Test
    void unknownOptionsAreRejectedWithTheAllowedOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> schedule(new ConstantSchedule.Factory(),
                "{type: constant, valeu: 2}"));
        assertTrue(e.getMessage().startsWith("test.yaml:1:") && e.getMessage().contains("did you mean 'value'"), e.getMessage());
    }
}
