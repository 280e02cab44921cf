package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab run} stopped by a signal while it trains, as Ctrl-C, a sweep or Slurm stop it. Each
 * time the run must record itself killed with the signal named, say so in one line and exit with
 * 128 + the signal's number; and the JVM must not die in native code. (Before the process took the
 * signals over, ONNX Runtime's own shutdown hook released its environment under the training
 * thread's session call: a SIGSEGV and an {@code hs_err} file in most of these stops, and at times
 * no record of the stop.) The stops land at different moments of training and evaluation; each
 * attempt resumes the last.
 */
class StopSignalTest {
    @TempDir
    Path dir;

    @Test
    void aRunStoppedBySignalsRecordsEachStopAndNeverCrashes() throws Exception {
        ShortRuns.assumeMnist();
        // a net whose engine calls fill nearly all of the training thread's time, so that a signal finds it
        // inside ONNX Runtime (with the JVM's own shutdown, this crashed on the first SIGTERM)
        Path yaml = dir.resolve("stop.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: stop",
                "seed: 1",
                "data: {dataset: mnist, binarize: dynamic, validation: 2000}",
                "model: {type: vae, latent_dim: 4, encoder: {type: mlp, hidden: [500, 500]}, decoder: {type: mlp, hidden: [500, 500]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 50, batch_size: 500}",
                "log: {every_steps: 5, grids_every_epochs: 1}",
                "export: {onnx: false}", ""));
        Path results = dir.resolve("results");
        int[] delaysMillis = {0, 250, 700, 1300};
        // a process started with SIGINT ignored (a background job, as CI may run this) passes that on to
        // the run, which then rightly ignores Ctrl-C too: SIGTERM stands in for it there
        String interrupt = ignoredHere(2) ? "TERM" : "INT";
        String[] signals = {"TERM", "TERM", interrupt, "TERM"};
        for (int attempt = 0; attempt < signals.length; attempt++) {
            String signal = signals[attempt];
            Path work = Files.createDirectories(dir.resolve("work" + attempt)); // where a crashing JVM writes hs_err
            Process run = start(yaml, results, work);
            Path runDir = awaitTraining(results.resolve("stop"), run, attempt);
            Thread.sleep(delaysMillis[attempt]);
            kill(signal, run.pid());
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIG" + signal);
            String log = Files.readString(work.resolve("run.log"));
            String where = "attempt " + attempt + " (SIG" + signal + " " + delaysMillis[attempt] + " ms in): " + log;
            assertNoCrash(work, log, where);
            assertEquals(128 + ("INT".equals(signal) ? 2 : 15), run.exitValue(), where);
            RunRecord record = RunRecordJson.read(runDir.resolve("run.json"));
            assertEquals(RunStatus.KILLED, record.status(), where);
            assertEquals("stopped by SIG" + signal, record.error(), where);
            assertTrue(log.lines().anyMatch(l -> l.matches("error: run stop-\\w+ was stopped by SIG" + signal
                    + "; run it again to resume it")), where);
        }

        // Ctrl-C pressed twice: no waiting beyond recording the stop, and recorded all the same
        Path work = Files.createDirectories(dir.resolve("twice"));
        Process run = start(yaml, results, work);
        Path runDir = awaitTraining(results.resolve("stop"), run, signals.length);
        kill(interrupt, run.pid());
        kill(interrupt, run.pid());
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(work.resolve("run.log"));
        assertNoCrash(work, log, log);
        assertEquals("INT".equals(interrupt) ? 130 : 143, run.exitValue(), log);
        assertEquals(RunStatus.KILLED, RunRecordJson.read(runDir.resolve("run.json")).status(), log);
    }

    private Process start(Path yaml, Path results, Path work) throws Exception {
        List<String> command = dev.vaelab.sweep.ChildJvm.current(Main.class.getName()).command(List.of(
                "run", yaml.toAbsolutePath().toString(), "--results", results.toAbsolutePath().toString(), "--data-dir",
                ShortRuns.DATA.toAbsolutePath().toString(), "--threads", "1"), work.resolve("child.args"));
        return new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("run.log").toFile()).start();
    }

    /** Whether this JVM was started with signal {@code number} ignored (Linux: the SigIgn mask in /proc). */
    private static boolean ignoredHere(int number) throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:")).findFirst()
                .map(l -> (Long.parseUnsignedLong(l.substring("SigIgn:".length()).strip(), 16) >>> (number - 1) & 1) == 1)
                .orElse(false);
    }

    private static void kill(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    private static void assertNoCrash(Path work, String log, String where) throws Exception {
        try (Stream<Path> files = Files.list(work)) {
            List<String> crashes = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err")).toList();
            assertEquals(List.of(), crashes, "the JVM died in native code: " + where);
        }
        assertFalse(log.contains("A fatal error has been detected"), where);
        assertFalse(log.contains("onnxruntime"), "no ONNX Runtime log line (a call ended by the stop): " + where);
        assertFalse(log.contains("\tat "), "no stack trace: " + where);
    }

    /** Waits until this attempt has logged a training metric (an attempt after the first, past its resume). */
    private static Path awaitTraining(Path experimentDir, Process run, int attempt) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(experimentDir)) {
                try (Stream<Path> runs = Files.list(experimentDir)) {
                    List<Path> found = runs.filter(p -> Files.exists(p.resolve("metrics.csv"))).toList();
                    if (found.size() == 1 && trainedSinceStart(found.get(0), attempt)) {
                        return found.get(0);
                    }
                }
            }
            assertTrue(run.isAlive(), "the run ended before it could be stopped");
            Thread.sleep(20);
        }
        throw new AssertionError("no training metric within 120 s");
    }

    private static boolean trainedSinceStart(Path runDir, int attempt) throws Exception {
        RunRecord record = RunRecordJson.read(runDir.resolve("run.json"));
        if (record.status() != RunStatus.RUNNING) {
            return false; // the last attempt's record, before this one reopened it
        }
        long rows = Files.readAllLines(runDir.resolve("metrics.csv")).stream().filter(l -> l.startsWith("train/loss,")).count();
        return rows > attempt; // each attempt trains past its checkpoint and logs at least one more loss
    }
}
