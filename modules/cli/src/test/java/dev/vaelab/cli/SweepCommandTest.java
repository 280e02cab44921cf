package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vaelab.cli.realmlflow.Vaelab;
import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.PlanRecord;
import dev.vaelab.sweep.RunLock;
import dev.vaelab.sweep.RunResult;
import dev.vaelab.sweep.SweepFiles;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.mlflow.FakeMlflowServer;
import dev.vaelab.tracking.mlflow.FakeMlflowState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab sweep} end to end on real MNIST: the dry run, errors at the sweep's lines, and
 * isolation: a run that fails and a run whose JVM is killed are recorded as failed while the sweep
 * goes on and reports them in its exit code and summary; with a tracking URI the runs are nested
 * under the sweep's parent run on the (fake) MLflow server.
 */
class SweepCommandTest {
    static final Path DATA = Path.of(System.getProperty("vaelab.test.data",
            java.util.Objects.requireNonNullElse(System.getenv("VAELAB_DATA"), "../../../shared/data")));

    @TempDir
    Path dir;

    /** A tiny VAE on 10000 MNIST images (the other 50000 are the validation set), with a sweep. */
    static String experiment(String name, int epochs, String sweep) {
        return String.join("\n",
                "name: " + name,
                "seed: 0",
                "data: {dataset: mnist, binarize: dynamic, validation: 50000}",
                "model: {type: vae, latent_dim: 4, encoder: {type: mlp, hidden: [32]}, decoder: {type: mlp, hidden: [32]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: " + epochs + ", batch_size: 100}",
                "log: {every_steps: 25, grids_every_epochs: 0}",
                "export: {onnx: false}",
                sweep, "");
    }

    /** Runs the CLI in this JVM, capturing what it prints. */
    static Vaelab.Outcome vaelab(String... args) {
        return Vaelab.cli(args);
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void dryRunPrintsThePlannedRunsAndWritesNothing() throws Exception {
        Path yaml = write("dry.yaml", experiment("dry", 1, String.join("\n", "sweep:", "  parameters:",
                "    model.latent_dim: [2, 8]", "    seed: [0, 1, 2]", "  parallel: 2")));
        Vaelab.Outcome o = vaelab("sweep", yaml.toString(), "--dry-run", "--results", dir.resolve("results").toString(),
                "--set", "train.epochs=3");
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        assertTrue(lines.get(0).startsWith("sweep dry: 6 runs (grid over model.latent_dim, seed), 2 at once with "), o.out());
        assertTrue(lines.get(1).matches("#\\s+run\\s+model\\.latent_dim\\s+seed\\s+state"), o.out());
        assertTrue(lines.get(2).matches("1\\s+dry-[0-9a-f]{8}\\s+2\\s+0\\s+new"), o.out());
        assertTrue(lines.get(7).matches("6\\s+dry-[0-9a-f]{8}\\s+8\\s+2\\s+new"), o.out());
        assertFalse(Files.exists(dir.resolve("results")), "a dry run writes nothing");
    }

    @Test
    void aBadValueInTheSweepFailsBeforeAnythingRunsNamingItsLine() throws Exception {
        Path yaml = write("bad.yaml", experiment("bad", 1, String.join("\n", "sweep:", "  parameters:",
                "    model.latent_dim: [2, -1]", "    model.encoder.activation: [relu, tahn]")));
        Vaelab.Outcome o = vaelab("sweep", yaml.toString(), "--results", dir.resolve("results").toString());
        assertEquals(1, o.code());
        assertEquals("error: " + yaml + ":12:38: 'activation' in 'model.encoder' must be one of elu, leaky_relu, relu, "
                + "tanh, got 'tahn' (did you mean 'tanh'?) (in the sweep run model.latent_dim=2 model.encoder.activation=tahn)\n",
                o.err());
        assertFalse(Files.exists(dir.resolve("results")));
        Vaelab.Outcome launcher = vaelab("sweep", yaml.toString(), "--launcher", "slurn", "--set", "sweep.parameters={}");
        assertEquals("error: --launcher slurn:1:1: unknown launcher 'slurn'; known launchers: local, slurm "
                + "(did you mean 'slurm'?)\n", launcher.err());
        Vaelab.Outcome local = vaelab("sweep", yaml.toString(), "--partition", "gpu", "--set", "sweep.parameters={}");
        assertEquals("error: --partition is an option of a cluster launcher (--launcher slurm); the local launcher runs "
                + "the sweep here and takes --parallel instead\n", local.err());
        assertFalse(Files.exists(dir.resolve("results")));
    }

    @Test
    void aFailedRunAndAKilledJvmAreRecordedAndTheSweepGoesOn() throws Exception {
        assumeTrue(Files.exists(DATA.resolve("mnist/train-images-idx3-ubyte.gz")), "real MNIST is not at " + DATA);
        try (FakeMlflowServer mlflow = FakeMlflowServer.start()) {
            isolation(mlflow);
        }
    }

    private void isolation(FakeMlflowServer mlflow) throws Exception {
        Path yaml = write("iso.yaml", experiment("iso", 2, String.join("\n", "sweep:", "  parameters:",
                "    train.batch_size: [100, 20000, 50]", "  parallel: 3")));
        Path results = dir.resolve("results");
        SweepLayout layout = SweepLayout.of(results, "iso");
        // kill the third run's JVM with SIGKILL as soon as it has started training
        CompletableFuture<Long> killed = CompletableFuture.supplyAsync(() -> killWhenTraining(layout, "50"));
        Vaelab.Outcome o = vaelab("sweep", yaml.toString(), "--results", results.toString(), "--data-dir", DATA.toString(),
                "--tracking-uri", mlflow.uri());
        assertEquals(1, o.code(), o.err() + o.out() + logs(layout));
        long pid = killed.get(10, TimeUnit.SECONDS);

        PlanRecord plan = SweepFiles.readPlan(layout).orElseThrow();
        Map<String, RunResult> outcomes = SweepFiles.readOutcomes(layout);
        String ok = plan.runs().get(0).name();
        String tooLarge = plan.runs().get(1).name();
        String crashed = plan.runs().get(2).name();
        assertEquals(Outcome.FINISHED, outcomes.get(ok).outcome());
        assertEquals(Outcome.FAILED, outcomes.get(tooLarge).outcome());
        assertTrue(outcomes.get(tooLarge).error().contains("the training split has 10000 examples, fewer than one batch of 20000"),
                outcomes.get(tooLarge).error());
        assertEquals(Outcome.FAILED, outcomes.get(crashed).outcome());
        assertEquals(137, outcomes.get(crashed).exitCode());
        var record = RunRecordJson.read(layout.runDirectory(crashed).resolve("run.json"));
        assertEquals(RunStatus.FAILED, record.status(), "the sweep records the crash in the run's own run.json");
        assertTrue(record.error().startsWith("the run's process ended with exit code 137 (killed by signal 9, SIGKILL) "
                + "without recording how the run ended; last output:"), record.error());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        assertTrue(o.out().contains("2 of 3 runs did not finish:"), o.out());
        List<String> csv = Files.readAllLines(layout.summaryCsv());
        assertEquals(3, csv.stream().filter(l -> l.matches("(\\d+|-),iso-[0-9a-f]{8},.*")).count(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("1," + ok + ",finished,100,-"), csv.get(1));
        assertTrue(Files.isRegularFile(layout.plotsDirectory().resolve("curves_val_elbo.png")));

        FakeMlflowState.Run parent = mlflow.state().onlyRun("iso", "sweep train.batch_size (3 runs)");
        assertEquals("sweep", parent.tags.get("vaelab.role"));
        assertEquals("FAILED", parent.status, "2 of its 3 runs did not finish");
        assertEquals(ok, parent.tags.get("vaelab.best_run"));
        assertTrue(mlflow.state().artifacts(parent).containsKey("sweep.csv"));
        FakeMlflowState.Run child = mlflow.state().onlyRun("iso", "train.batch_size=100");
        assertEquals(ok, child.tags.get("vaelab.run_name"), "named by its swept values; the hash stays a tag");
        assertEquals(Map.of("train.batch_size", "100"), child.params, "its swept key is its param");
        assertEquals("FINISHED", child.status);
        assertEquals(parent.runId, child.tags.get("mlflow.parentRunId"), "the run is nested under its sweep");
        assertEquals("iso", child.tags.get("vaelab.sweep"));
        assertEquals("1", child.tags.get("vaelab.rank"), "the only run with the sweep's metric ranks first");
        assertEquals("true", child.tags.get("vaelab.best"));
        var crashedExtra = RunRecordJson.read(layout.runDirectory(crashed).resolve("run.json")).extra();
        assertEquals("false", crashedExtra.get("tag.vaelab.best"), "a run without the metric did not win");
        assertFalse(crashedExtra.containsKey("tag.vaelab.rank"), "and has no rank: " + crashedExtra);
    }

    /** Every run log of the sweep, for failure messages. */
    static String logs(SweepLayout layout) {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(layout.sweepDirectory().resolve("logs"))) {
            for (Path f : files.toList()) {
                sb.append("\n--- ").append(f.getFileName()).append('\n').append(Files.readString(f));
            }
        } catch (java.io.IOException e) {
            sb.append("\n(no logs: ").append(e).append(')');
        }
        return sb.toString();
    }

    /** Waits for the run with this batch size to create its run folder, then SIGKILLs the process holding it. */
    private static long killWhenTraining(SweepLayout layout, String batchSize) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        try {
            while (System.nanoTime() < deadline) {
                Optional<PlanRecord> plan = Files.exists(layout.planFile()) ? SweepFiles.readPlan(layout) : Optional.empty();
                if (plan.isPresent()) {
                    String name = plan.get().runs().stream()
                            .filter(r -> batchSize.equals(r.parameters().get("train.batch_size"))).findFirst().orElseThrow().name();
                    Optional<Long> pid = RunLock.holderPid(layout.lockFile(name));
                    if (Files.exists(layout.runDirectory(name).resolve("run.json")) && pid.isPresent()) {
                        ProcessHandle.of(pid.get()).ifPresent(ProcessHandle::destroyForcibly);
                        return pid.get();
                    }
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("the run with batch size " + batchSize + " never started training");
    }
}
