package dev.vaelab.zoo.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.zoo.schedule.CapacitySchedule;
import dev.vaelab.zoo.schedule.ConstantSchedule;
import dev.vaelab.zoo.schedule.LinearSchedule;
import dev.vaelab.zoo.schedule.ScheduleContext;
import dev.vaelab.zoo.schedule.ScheduleFactory;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The objectives' YAML sections (keys validated at their line, schedules read by the schedule
 * registry) and what each fills and logs per step.
 */
class ObjectiveFactoriesTest {
    private static final ObjectiveContext CONTEXT = new ObjectiveContext(4, 3, 1000, new ScheduleContext(10, 100));
    private static final Map<String, ScheduleFactory> SCHEDULES = Map.of(
            ConstantSchedule.TYPE, new ConstantSchedule.Factory(),
            LinearSchedule.TYPE, new LinearSchedule.Factory(),
            CapacitySchedule.TYPE, new CapacitySchedule.Factory());

    private static Objective create(ObjectiveFactory factory, String yaml) {
        ComponentSpec spec = ComponentSpec.read(ConfigLoader.parse("name: x\nobjective: " + yaml, "exp.yaml"), "objective");
        return factory.create(spec, CONTEXT);
    }

    /** Chunk buffers of {@code steps} steps for the given inputs and their per-step sizes. */
    private static Map<String, FloatBuffer> chunks(int steps, Map<String, Integer> perStep) {
        Map<String, FloatBuffer> out = new HashMap<>();
        perStep.forEach((name, size) -> out.put(name, FloatBuffer.allocate(steps * size)));
        return out;
    }

    private static StepFeeds feeds(Map<String, FloatBuffer> chunks) {
        return name -> {
            FloatBuffer b = chunks.get(name);
            if (b == null) {
                throw new AssertionError("no step input " + name);
            }
            return b.clear();
        };
    }

    @Test
    void betaVaeReadsItsScheduleFromItsOwnSectionAndFillsBetaAndCapacityPerStep() {
        Objective linear = create(new BetaVaeObjective.Factory(SCHEDULES),
                "{type: beta-vae, beta: {type: linear, start: 0.0, end: 4.0, warmup_steps: 40}}");
        assertEquals(Map.of("train/beta", 2.0), linear.valuesInForce(20));
        Objective constant = create(new BetaVaeObjective.Factory(SCHEDULES), "{type: beta-vae, beta: 4}");
        assertEquals(Map.of("train/beta", 4.0), constant.valuesInForce(99));

        Objective capacity = create(new BetaVaeObjective.Factory(SCHEDULES),
                "{type: beta-vae, beta: {type: capacity, c_max: 10.0, gamma: 100.0, warmup_steps: 100}}");
        assertEquals(List.of("train/elbo", "train/recon_ll", "train/kl", "train/beta", "train/capacity"),
                capacity.metricNames());
        Map<String, FloatBuffer> chunks = chunks(3, Map.of("eps", 12, "beta", 1, "capacity", 1));
        capacity.fillStepInputs(feeds(chunks), 50, 3, new SplittableRandom(0));
        assertEquals(100f, chunks.get("beta").get(2), 0f);
        assertEquals(5.0f, chunks.get("capacity").get(0), 0f);
        assertEquals(5.2f, chunks.get("capacity").get(2), 1e-6f);
        assertEquals(Map.of("train/beta", 100.0, "train/capacity", 5.1), capacity.valuesInForce(51));
    }

    @Test
    void theNoiseIsDrawnStepByStepFromTheGivenStream() {
        Objective elbo = create(new ElboObjective.Factory(), "{type: elbo}");
        Map<String, FloatBuffer> chunks = chunks(2, Map.of("eps", 12));
        elbo.fillStepInputs(feeds(chunks), 0, 2, new SplittableRandom(5));
        SplittableRandom expected = new SplittableRandom(5);
        for (int i = 0; i < 24; i++) {
            assertEquals((float) expected.nextGaussian(), chunks.get("eps").get(i), 0f);
        }
        Objective iwae = create(new IwaeObjective.Factory(), "{type: iwae, samples: 5}");
        Map<String, FloatBuffer> samples = chunks(1, Map.of("eps", 4 * 5 * 3));
        iwae.fillStepInputs(feeds(samples), 0, 1, new SplittableRandom(5));
        assertEquals(chunks.get("eps").get(0), samples.get("eps").get(0), 0f);
        assertEquals(List.of("train/elbo", "train/recon_ll", "train/kl", "train/iw_bound"), iwae.metricNames());
    }

    @Test
    void betaTcVaeTakesThePapersAlphaAndGammaByDefault() {
        Objective tc = create(new BetaTcVaeObjective.Factory(), "{type: beta-tcvae, beta: 6}");
        assertEquals(List.of("train/elbo", "train/recon_ll", "train/kl", "train/index_code_mi",
                "train/total_correlation", "train/dimwise_kl"), tc.metricNames());
        assertEquals(Map.of(), tc.valuesInForce(0));
    }

    @Test
    void unknownAndMissingKeysAreErrorsAtTheirLine() {
        ConfigException typo = assertThrows(ConfigException.class, () -> create(new BetaTcVaeObjective.Factory(),
                "{type: beta-tcvae, beta: 6, gama: 2}"));
        assertTrue(typo.getMessage().startsWith("exp.yaml:2:") && typo.getMessage().contains("unknown key 'gama'")
                && typo.getMessage().contains("did you mean 'gamma'"), typo.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> create(new IwaeObjective.Factory(),
                "{type: iwae}"));
        assertTrue(missing.getMessage().startsWith("exp.yaml:2:") && missing.getMessage().contains("samples"),
                missing.getMessage());
        ConfigException zero = assertThrows(ConfigException.class, () -> create(new IwaeObjective.Factory(),
                "{type: iwae, samples: 0}"));
        assertTrue(zero.getMessage().contains("samples"), zero.getMessage());
        ConfigException schedule = assertThrows(ConfigException.class, () -> create(
                new BetaVaeObjective.Factory(SCHEDULES), "{type: beta-vae, beta: {type: linear, ned: 4}}"));
        assertTrue(schedule.getMessage().contains("unknown key 'ned' in 'objective.beta'"), schedule.getMessage());
        ConfigException elbo = assertThrows(ConfigException.class, () -> create(new ElboObjective.Factory(),
                "{type: elbo, beta: 2}"));
        assertTrue(elbo.getMessage().contains("unknown key 'beta' in 'objective'"), elbo.getMessage());
        assertInstanceOf(ElboObjective.class, create(new ElboObjective.Factory(), "{type: elbo}"));
    }
}
