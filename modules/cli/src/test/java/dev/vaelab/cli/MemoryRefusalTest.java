package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run too big for this JVM is refused at once, in one line with the estimate, the limit and what
 * to change, before a run folder or a tensor exists: {@code latent_dim: 100000} used to end in
 * "integer overflow", smaller ones in OutOfMemoryError traces.
 */
class MemoryRefusalTest {
    @TempDir
    Path dir;

    @Test
    void aHugeLatentSpaceIsRefusedBeforeAnythingIsAllocated() throws Exception {
        Injector injector = SyntheticDigits.injector(dir.resolve("data"), 17, 200, 100, false);
        Path yaml = dir.resolve("huge.yaml");
        // 2000 x 200000 encoder weights with Adam's two slots: about 19 GB of heap at a checkpoint
        Files.writeString(yaml, String.join("\n",
                "name: huge",
                "data: {dataset: mnist, binarize: none, validation: 100}",
                "model: {type: vae, latent_dim: 100000, encoder: {type: mlp, hidden: [2000]}, decoder: {type: mlp, hidden: [8]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 1, batch_size: 50}",
                "export: {onnx: false}", ""));
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = Main.execute(injector, new PrintWriter(err, true), "run", yaml.toString(), "--data-dir",
                dir.resolve("data").toString(), "--results", dir.resolve("results").toString(), "--threads", "1");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: this run needs about "), err.toString());
        assertTrue(err.toString().contains(" of Java heap for its 402.6 M parameters and their 2 optimizer slots"), err.toString());
        assertTrue(err.toString().contains("its largest parameter is "), err.toString());
        assertTrue(err.toString().contains("VAELAB_JAVA_OPTS=-Xmx"), err.toString());
        assertFalse(Files.exists(dir.resolve("results/huge")), "a run folder was made for a run that cannot fit");
        assertTrue(seconds < 20, "refused after " + seconds + " s");
    }
}
