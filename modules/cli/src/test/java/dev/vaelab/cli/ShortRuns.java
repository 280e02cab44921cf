package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.inject.Injector;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Short {@code vaelab run}s from YAML on real MNIST, in process: write the file, run it, find the
 * run folder and read its metrics. For the head, schedule and plugin tests.
 */
final class ShortRuns {
    static final Path DATA = Path.of(System.getProperty("vaelab.test.data",
            java.util.Objects.requireNonNullElse(System.getenv("VAELAB_DATA"), "../../../shared/data")));

    private final Injector injector;
    private final Path dir;

    ShortRuns(Injector injector, Path dir) {
        this.injector = injector;
        this.dir = dir;
    }

    /** Skips the calling test, with the reason, where real MNIST is not on disk. */
    static void assumeMnist() {
        assumeTrue(Files.exists(DATA.resolve("mnist/train-images-idx3-ubyte.gz")),
                "real MNIST is not at " + DATA.toAbsolutePath() + ": set VAELAB_DATA (or -Dvaelab.test.data) to a folder with mnist/ (CI has it beside the clone)");
    }

    /** An experiment of small MLPs on grey-level MNIST; {@code train} and {@code log} are flow maps. */
    static String experiment(String name, String model, String likelihood, String beta, String train, String log) {
        return String.join("\n",
                "name: " + name,
                "seed: 3",
                "data: {dataset: mnist, binarize: none, validation: 500}",
                "model:",
                "  type: " + model,
                "  latent_dim: 4",
                "  encoder: {type: mlp, hidden: [32]}",
                "  decoder: {type: mlp, hidden: [32]}",
                "likelihood: " + likelihood,
                "beta: " + beta,
                "train: " + train,
                "eval: {batch_size: 250}",
                "log: " + log,
                "export: {onnx: false}",
                "");
    }

    /** The outcome of one run: exit code, stderr and the run folder (null when none was made). */
    record Outcome(int exitCode, String err, Path run) {
        List<MetricRow> metrics(String key) {
            return MetricsCsv.read(run.resolve("metrics.csv")).stream().filter(r -> r.key().equals(key)).toList();
        }
    }

    Outcome run(String name, String yaml) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        StringWriter err = new StringWriter();
        Path results = dir.resolve("results");
        int code = Main.execute(injector, new PrintWriter(err, true), "run", file.toString(), "--results",
                results.toString(), "--data-dir", DATA.toString(), "--threads", "2");
        Path experiment = results.resolve(name);
        Path run = null;
        if (Files.isDirectory(experiment)) {
            try (Stream<Path> runs = Files.list(experiment)) {
                List<Path> all = runs.toList();
                assertEquals(1, all.size(), "runs of " + name + ": " + all);
                run = all.get(0);
            }
        }
        return new Outcome(code, err.toString(), run);
    }
}
