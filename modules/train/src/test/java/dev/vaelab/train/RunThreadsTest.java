package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.spec.ExperimentSpec;
import org.junit.jupiter.api.Test;

/** Threads are 1 to the cores: the command line over {@code train.threads} over every core; more is an error at its source. */
class RunThreadsTest {
    private static ExperimentSpec spec(String train) {
        return ExperimentSpec.parse(ConfigLoader.parse(String.join("\n",
                "name: t",
                "data: {dataset: mnist}",
                "model: {type: vae, latent_dim: 2, encoder: {type: mlp, hidden: [8]}, decoder: {type: mlp, hidden: [8]}}",
                "likelihood: {type: bernoulli}",
                "train: " + train, ""), "t.yaml"));
    }

    @Test
    void theCommandLineWinsThenTheYamlThenEveryCore() {
        assertEquals(3, RunThreads.resolve(3, spec("{epochs: 1, threads: 2}"), 4));
        assertEquals(2, RunThreads.resolve(0, spec("{epochs: 1, threads: 2}"), 4));
        assertEquals(4, RunThreads.resolve(0, spec("{epochs: 1}"), 4));
        assertEquals(4, RunThreads.resolve(0, spec("{epochs: 1, threads: 0}"), 4));
        assertEquals(1, RunThreads.resolve(1, spec("{epochs: 1, threads: 9}"), 1));
    }

    @Test
    void moreThreadsThanCoresIsAnErrorNamingTheLimit() {
        VaelabException cli = assertThrows(VaelabException.class, () -> RunThreads.resolve(1000, spec("{epochs: 1}"), 2));
        assertEquals("--threads 1000 is more than the 2 cores of this machine; give 1 to 2 (more threads than cores only "
                + "slow a run down)", cli.getMessage());
        VaelabException yaml = assertThrows(VaelabException.class,
                () -> RunThreads.resolve(0, spec("{epochs: 1, threads: 64}"), 2));
        assertEquals("t.yaml:5:29: 'threads' in 'train' is 64, more than the 2 cores of this machine; give 1 to 2, 0 or nothing "
                + "for all of them, or --threads N on the command line", yaml.getMessage());
        assertThrows(VaelabException.class, () -> RunThreads.resolve(-1, spec("{epochs: 1}"), 2));
    }
}
