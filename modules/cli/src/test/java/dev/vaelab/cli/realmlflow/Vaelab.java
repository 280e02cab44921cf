package dev.vaelab.cli.realmlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vaelab.cli.Bootstrap;
import dev.vaelab.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The CLI run in this JVM for the real-MLflow tests, on tiny trainings of real MNIST. */
public final class Vaelab {
    static final Path DATA = Path.of(System.getProperty("vaelab.test.data", "../../../shared/data"));

    private Vaelab() {}

    public record Outcome(int code, String out, String err) {}

    static void assumeMnist() {
        assumeTrue(Files.exists(DATA.resolve("mnist/train-images-idx3-ubyte.gz")),
                "real MNIST is not at " + DATA.toAbsolutePath() + " (CI has it beside the clone)");
    }

    /**
     * A small MLP model ({@code vae}, {@code beta-vae} or {@code cvae}) on 500 validation images,
     * 20 steps, metrics every 5 steps, grids at the end of its one epoch; {@code extra} is appended.
     */
    static String experiment(String name, String model, String extra) {
        return String.join("\n",
                "name: " + name,
                "seed: 1",
                "data: {dataset: mnist, binarize: dynamic, validation: 500}",
                "model: {type: " + model + ", latent_dim: 4, encoder: {type: mlp, hidden: [32]}, decoder: {type: mlp, hidden: [32]}}",
                "likelihood: {type: bernoulli}",
                model.equals("cvae") || model.equals("vae") ? "" : "beta: {type: constant, value: 1.0}",
                "train: {epochs: 1, batch_size: 100, max_steps: 20, optimizer: {type: adam, lr: 1.0e-3}}",
                "eval: {batch_size: 500}",
                "log: {every_steps: 5, grids_every_epochs: 1}",
                "export: {onnx: true}",
                extra, "");
    }

    static Path write(Path dir, String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), yaml);
    }

    /** {@code vaelab run} of {@code yaml} with the test data and two threads, plus {@code args}. */
    static Outcome run(Path dir, String yaml, String... args) throws IOException {
        String name = yaml.lines().findFirst().orElseThrow().substring("name: ".length());
        List<String> all = new ArrayList<>(List.of("run", write(dir, name, yaml).toString(), "--data-dir",
                DATA.toString(), "--threads", "2"));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    /** Any vaelab command, capturing what it prints. */
    public static Outcome cli(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(Bootstrap.injector(), new PrintWriter(err, true), args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    /** The one run folder of an experiment's results. */
    static Path onlyRun(Path experiment) throws IOException {
        try (Stream<Path> runs = Files.list(experiment)) {
            List<Path> all = runs.filter(p -> Files.exists(p.resolve("run.json"))).toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }
}
