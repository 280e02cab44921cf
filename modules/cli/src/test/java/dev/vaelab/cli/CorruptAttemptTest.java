package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken earlier attempt is never a dead end: a corrupt checkpoint is recorded failed and the next
 * run moves it aside, saying where; a corrupt run.json names {@code --restart}, which moves it aside
 * and trains afresh.
 */
class CorruptAttemptTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String err, String out) {
    }

    private Outcome run(Injector injector, Path yaml, String... extra) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream console = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            String[] args = Stream.concat(Stream.of("run", yaml.toString(), "--data-dir", dir.resolve("data").toString(),
                    "--results", dir.resolve("results").toString(), "--threads", "1"), Stream.of(extra)).toArray(String[]::new);
            int code = Main.execute(injector, new PrintWriter(err, true), args);
            return new Outcome(code, err.toString(), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(console);
        }
    }

    private List<Path> folders() throws Exception {
        try (Stream<Path> all = Files.list(dir.resolve("results/broken"))) {
            return all.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    @Test
    void aCorruptCheckpointOrRunJsonHasAWayOutThatSaysWhereTheOldAttemptWent() throws Exception {
        Injector injector = SyntheticDigits.injector(dir.resolve("data"), 11, 200, 100, false);
        Path yaml = dir.resolve("broken.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: broken",
                "data: {dataset: mnist, binarize: none, validation: 100}",
                "model: {type: vae, latent_dim: 2, encoder: {type: mlp, hidden: [8]}, decoder: {type: mlp, hidden: [8]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 1, batch_size: 50}",
                "log: {every_steps: 1, grids_every_epochs: 0}",
                "export: {onnx: false}", ""));
        assertEquals(0, run(injector, yaml).code());
        Path runDir = folders().get(0);
        String runName = runDir.getFileName().toString();

        // an attempt that crashed ("running") with a damaged checkpoint
        try (RunStore store = RunStore.open(runDir)) {
            store.setStatus(RunStatus.RUNNING, null);
        }
        Path checkpoint = runDir.resolve("model/checkpoint");
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(checkpoint, bytes);
        Outcome corrupt = run(injector, yaml);
        assertEquals(1, corrupt.code());
        assertEquals("error: run " + runName + " cannot resume: " + checkpoint + ": checkpoint is corrupt (CRC-32 mismatch); "
                + "it is now recorded failed: run it again (or with --restart) to move this attempt aside and train afresh",
                corrupt.err().strip());
        assertEquals(RunStatus.FAILED, RunRecordJson.read(runDir.resolve("run.json")).status());

        Outcome retried = run(injector, yaml);
        assertEquals(0, retried.code(), retried.err());
        Path failedAside = folders().stream().filter(p -> p.getFileName().toString().startsWith(runName + ".failed-"))
                .findFirst().orElseThrow();
        assertTrue(retried.out().contains("moved the failed attempt aside to " + failedAside + "; training afresh"),
                retried.out());
        assertEquals(RunStatus.FINISHED, RunRecordJson.read(runDir.resolve("run.json")).status());

        // an unreadable run.json: the message names --restart, which moves the attempt aside
        try (RunStore store = RunStore.open(runDir)) {
            store.setStatus(RunStatus.KILLED, "interrupted");
        }
        Files.writeString(runDir.resolve("run.json"), "{\"run_id\": ");
        Outcome unreadable = run(injector, yaml);
        assertEquals(1, unreadable.code());
        assertTrue(unreadable.err().startsWith("error: run " + runName + " cannot be resumed: cannot read run file "
                + runDir.resolve("run.json")), unreadable.err());
        assertTrue(unreadable.err().strip().endsWith("; 'vaelab run --restart " + yaml + "' moves this attempt aside and "
                + "trains afresh"), unreadable.err());
        assertEquals(1, unreadable.err().strip().lines().count(), unreadable.err());

        Outcome restarted = run(injector, yaml, "--restart");
        assertEquals(0, restarted.code(), restarted.err());
        Path restartedAside = folders().stream().filter(p -> p.getFileName().toString().startsWith(runName + ".restarted-"))
                .findFirst().orElseThrow();
        assertTrue(restarted.out().contains("moved the earlier attempt aside to " + restartedAside + "; training afresh"),
                restarted.out());
        assertEquals(RunStatus.FINISHED, RunRecordJson.read(runDir.resolve("run.json")).status());
        assertEquals(3, folders().size(), folders().toString());
    }
}
