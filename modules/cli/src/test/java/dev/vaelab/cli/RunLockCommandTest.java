package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.sweep.RunLock;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.train.ExperimentRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab run} takes the run's operating-system lock as {@code sweep-run} does: while another
 * holder has it, a second run exits at once with 75 and a line naming the run and the holder, and
 * touches nothing; once it is free the run trains.
 */
class RunLockCommandTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRunOfALiveRunExits75NamingTheHolderAndTouchesNothing() throws Exception {
        Path data = dir.resolve("data");
        Injector injector = SyntheticDigits.injector(data, 9, 200, 100, false);
        Path yaml = dir.resolve("locked.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: locked",
                "data: {dataset: mnist, binarize: none, validation: 100}",
                "model: {type: vae, latent_dim: 2, encoder: {type: mlp, hidden: [8]}, decoder: {type: mlp, hidden: [8]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 1, batch_size: 50}",
                "log: {every_steps: 1, grids_every_epochs: 0}",
                "export: {onnx: false}", ""));
        Path results = dir.resolve("results");
        String[] args = {"run", yaml.toString(), "--data-dir", data.toString(), "--results", results.toString(), "--threads", "1"};
        ExperimentRunner.RunIdentity identity = injector.getInstance(ExperimentRunner.class).identify(ExperimentSpec.load(yaml));
        Path lockFile = SweepLayout.of(results, "locked").lockFile(identity.runName());

        Optional<RunLock> live = RunLock.tryAcquire(lockFile);
        assertTrue(live.isPresent());
        StringWriter err = new StringWriter();
        int code;
        try (RunLock held = live.get()) {
            code = Main.execute(injector, new PrintWriter(err, true), args);
        }
        assertEquals(75, code, err.toString());
        String holder = ProcessHandle.current().pid() + "@";
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: run " + identity.runName() + " is already running in process " + holder),
                err.toString());
        assertFalse(Files.exists(results.resolve("locked").resolve(identity.runName())), "the second run made its folder");

        StringWriter afterwards = new StringWriter();
        assertEquals(0, Main.execute(injector, new PrintWriter(afterwards, true), args), afterwards.toString());
        assertTrue(Files.exists(results.resolve("locked").resolve(identity.runName()).resolve("metrics.csv")));
        try (var entries = Files.list(results.resolve("locked"))) {
            assertEquals(java.util.List.of(results.resolve("locked").resolve(identity.runName())), entries.toList(),
                    "the experiment folder holds its run folders alone; the lock lives in " + lockFile);
        }
    }
}
