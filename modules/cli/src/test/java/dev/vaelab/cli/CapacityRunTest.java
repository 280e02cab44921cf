package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Burgess et al.'s capacity objective on real MNIST: {@code train/capacity} is logged at every
 * logged step, rising linearly to C_max and holding there, and the KL follows it: within 1 nat of
 * C once C holds, where a plain VAE of this size sits near 20 nats. A capacity schedule on any
 * model but {@code beta-vae} is rejected where it is written.
 */
class CapacityRunTest {
    private static final double C_MAX = 8.0;
    private static final int WARMUP = 200;

    @TempDir
    Path dir;

    @Test
    void theKlTracksTheRisingCapacity() throws IOException {
        ShortRuns.assumeMnist();
        String yaml = ShortRuns.experiment("capacity", "beta-vae", "{type: bernoulli}",
                "{type: capacity, c_max: " + C_MAX + ", gamma: 100.0, warmup_steps: " + WARMUP + "}",
                "{epochs: 1, batch_size: 64, max_steps: 400}", "{every_steps: 20, grids_every_epochs: 0}")
                .replace("latent_dim: 4", "latent_dim: 8").replace("[32]", "[64]");
        ShortRuns.Outcome outcome = new ShortRuns(Bootstrap.injector(), dir).run("capacity", yaml);
        assertEquals(0, outcome.exitCode(), outcome.err());
        List<MetricRow> capacity = outcome.metrics("train/capacity");
        List<MetricRow> kl = outcome.metrics("train/kl");
        assertEquals(20, capacity.size(), "train/capacity at each of the 20 logged steps");
        for (MetricRow c : capacity) {
            // the value in force at the window's last update, step - 1 counted from 0
            assertEquals(C_MAX * Math.min(1.0, (c.step() - 1) / (double) WARMUP), c.value(), 1e-12, "C at step " + c.step());
        }
        assertEquals(C_MAX, capacity.get(capacity.size() - 1).value(), 0.0);
        for (int i = 0; i < kl.size(); i++) {
            assertEquals(capacity.get(i).step(), kl.get(i).step());
            if (kl.get(i).step() > WARMUP + 20) {
                assertEquals(C_MAX, kl.get(i).value(), 1.0, "train/kl once C holds, at step " + kl.get(i).step());
            }
        }
        assertEquals(C_MAX, RunStore.open(outcome.run()).readSummary().get("test/kl"), 1.5, "test KL against C_max");
    }

    @Test
    void capacityIsOnlyForBetaVae() throws IOException {
        String yaml = ShortRuns.experiment("cap-vae", "vae", "{type: bernoulli}",
                "{type: capacity, c_max: 5.0, warmup_steps: 10}", "{epochs: 1}", "{every_steps: 10}");
        ShortRuns.Outcome outcome = new ShortRuns(Bootstrap.injector(), dir).run("cap-vae", yaml);
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("cap-vae.yaml:10:") && outcome.err().contains("'beta-vae'"), outcome.err());
        assertTrue(outcome.run() == null, "a run folder was made for an invalid file");
        outcome = new ShortRuns(Bootstrap.injector(), dir).run("cap-cvae", yaml.replace("type: vae", "type: cvae")
                .replace("name: cap-vae", "name: cap-cvae"));
        assertEquals(1, outcome.exitCode());
        assertTrue(outcome.err().contains("cap-cvae.yaml:10:")
                && outcome.err().contains("capacity objective (Burgess et al. 2018) is for model type 'beta-vae', not 'cvae'"),
                outcome.err());
    }
}
