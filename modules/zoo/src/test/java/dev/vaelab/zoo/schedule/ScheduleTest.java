package dev.vaelab.zoo.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ComponentSpec;
import org.junit.jupiter.api.Test;

/**
 * β schedules at their boundaries, against their published definitions: linear warm-up (Bowman et
 * al. 2016), cyclical annealing (Fu et al. 2019, eq. 7), logistic annealing (Bowman et al. 2016) and
 * controlled capacity (Burgess et al. 2018).
 */
class ScheduleTest {
    private static final ScheduleContext CONTEXT = new ScheduleContext(100, 1000);

    private static BetaSchedule schedule(ScheduleFactory factory, String yaml) {
        return schedule(factory, yaml, CONTEXT);
    }

    private static BetaSchedule schedule(ScheduleFactory factory, String yaml, ScheduleContext context) {
        ComponentSpec spec = ComponentSpec.read(ConfigLoader.parse("beta: " + yaml, "test.yaml"), "beta");
        return factory.create(spec, context);
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

    @Test
    void cyclicalFollowsFuEtAlEquationSevenWithALinearRamp() {
        // T = 1000 steps (the context), M = 4 cycles of ⌈T/M⌉ = 250 steps, R = 0.5: rise over 125 steps
        BetaSchedule s = schedule(new CyclicalSchedule.Factory(), "{type: cyclical, cycles: 4, ratio: 0.5, max: 2.0}");
        assertEquals(0.0, s.beta(0));
        assertEquals(2.0 * (62 / 250.0) / 0.5, s.beta(62), 1e-12);
        assertEquals(2.0, s.beta(125), 1e-12); // τ = R: the end of the ramp, f(1) = 1
        assertEquals(2.0, s.beta(126));
        assertEquals(2.0, s.beta(249));
        assertEquals(0.0, s.beta(250)); // the second cycle starts again from 0
        assertEquals(2.0 * (10 / 250.0) / 0.5, s.beta(760), 1e-12); // fourth cycle, 10 steps in
        assertEquals(2.0, s.beta(999));
    }

    @Test
    void cyclicalWithACycleThatDoesNotDivideTheRunUsesTheCeilingAndTheRealPeriod() {
        // T = 10, M = 3: cycles of ⌈10/3⌉ = 4 steps, τ = (t mod 4)/(10/3)
        BetaSchedule s = schedule(new CyclicalSchedule.Factory(), "{type: cyclical, cycles: 3, ratio: 0.5}",
                new ScheduleContext(5, 10));
        assertEquals(0.0, s.beta(0));
        assertEquals(0.3 / 0.5, s.beta(1), 1e-12);
        assertEquals(1.0, s.beta(2)); // τ = 0.6 > R
        assertEquals(0.0, s.beta(4));
        assertEquals(0.3 / 0.5, s.beta(9), 1e-12);
    }

    @Test
    void cyclicalSigmoidRampIsTheAuthorsLogisticOfTwelveVMinusSix() {
        // cycles of 250 steps, R = 0.4: the ramp covers τ in [0, 0.4], i.e. 100 steps
        BetaSchedule s = schedule(new CyclicalSchedule.Factory(), "{type: cyclical, cycles: 4, ratio: 0.4, ramp: sigmoid}");
        assertEquals(1 / (1 + Math.exp(6)), s.beta(0), 1e-15);
        assertEquals(0.5, s.beta(50), 1e-15); // v = ½: the logistic's centre
        assertEquals(1 / (1 + Math.exp(-6)), s.beta(100), 1e-15);
        assertEquals(1.0, s.beta(101));
        assertEquals(1 / (1 + Math.exp(6)), s.beta(500), 1e-15);
    }

    @Test
    void cyclicalRejectsARatioAboveOne() {
        ConfigException e = assertThrows(ConfigException.class, () -> schedule(new CyclicalSchedule.Factory(),
                "{type: cyclical, ratio: 1.5}"));
        assertTrue(e.getMessage().contains("at most 1"), e.getMessage());
    }

    @Test
    void sigmoidIsBowmansLogisticCentredWhereGivenInStepsOrEpochs() {
        BetaSchedule bySteps = schedule(new SigmoidSchedule.Factory(),
                "{type: sigmoid, start: 0.0, end: 4.0, center_steps: 500, steepness: 0.01}");
        BetaSchedule byEpochs = schedule(new SigmoidSchedule.Factory(),
                "{type: sigmoid, start: 0.0, end: 4.0, center_epochs: 5, steepness: 1.0}");
        for (BetaSchedule s : new BetaSchedule[] {bySteps, byEpochs}) {
            assertEquals(4 / (1 + Math.exp(5)), s.beta(0), 1e-12);
            assertEquals(2.0, s.beta(500), 1e-12);
            assertEquals(4 / (1 + Math.exp(-5)), s.beta(1000), 1e-12);
            assertEquals(4.0, s.beta(100_000), 1e-12);
        }
        BetaSchedule down = schedule(new SigmoidSchedule.Factory(),
                "{type: sigmoid, start: 1.0, end: 0.5, center_steps: 10, steepness: 2}");
        assertEquals(0.75, down.beta(10), 1e-12);
        assertEquals(1.0 - 0.5 / (1 + Math.exp(20)), down.beta(0), 1e-15);
    }

    @Test
    void sigmoidNeedsItsCentre() {
        ConfigException e = assertThrows(ConfigException.class, () -> schedule(new SigmoidSchedule.Factory(),
                "{type: sigmoid, steepness: 1}"));
        assertTrue(e.getMessage().contains("missing 'center_epochs' or 'center_steps'"), e.getMessage());
    }

    @Test
    void capacityRisesLinearlyFromZeroToItsMaximumThenHoldsWithAConstantGamma() {
        BetaSchedule s = schedule(new CapacitySchedule.Factory(),
                "{type: capacity, c_max: 25.0, gamma: 1000.0, warmup_steps: 100}");
        assertTrue(s.hasCapacity());
        assertEquals(0.0, s.capacity(0));
        assertEquals(12.5, s.capacity(50), 1e-12);
        assertEquals(25.0 * 99 / 100, s.capacity(99), 1e-12);
        assertEquals(25.0, s.capacity(100));
        assertEquals(25.0, s.capacity(1_000_000));
        assertEquals(1000.0, s.beta(0));
        assertEquals(1000.0, s.beta(1_000_000));
        BetaSchedule byEpochs = schedule(new CapacitySchedule.Factory(), "{type: capacity, c_max: 5, warmup_epochs: 2}");
        assertEquals(2.5, byEpochs.capacity(100), 1e-12); // halfway through 2 epochs of 100 steps
        assertEquals(1000.0, byEpochs.beta(7), "γ defaults to Burgess et al.'s 1000");
    }

    @Test
    void otherSchedulesHaveNoCapacity() {
        assertFalse(schedule(new ConstantSchedule.Factory(), "{type: constant, value: 4}").hasCapacity());
        assertFalse(schedule(new CyclicalSchedule.Factory(), "{type: cyclical}").hasCapacity());
    }

    @Test
    void capacityNeedsItsMaximumAndWarmUp() {
        ConfigException e = assertThrows(ConfigException.class, () -> schedule(new CapacitySchedule.Factory(),
                "{type: capacity, warmup_steps: 10}"));
        assertTrue(e.getMessage().contains("missing required key 'c_max'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> schedule(new CapacitySchedule.Factory(), "{type: capacity, c_max: 5}"));
        assertTrue(e.getMessage().contains("missing 'warmup_epochs' or 'warmup_steps'"), e.getMessage());
    }
}
