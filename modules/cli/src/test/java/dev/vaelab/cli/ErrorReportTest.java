package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.multibindings.MapBinder;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.heads.LocationScaleHead;
import dev.vaelab.heads.SampleNoise;
import dev.vaelab.heads.Scale;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No stack trace reaches a user: an {@link Error} thrown while a run trains (here a head whose graph
 * runs out of memory) is one line on the console, the run is recorded failed with that reason, and
 * {@code --debug} adds the trace.
 */
class ErrorReportTest {
    @TempDir
    Path dir;

    /**
     * A head that runs out of memory once training starts: the first graph built with it (the
     * memory estimate's, before the run exists) is fine, the next (the training step's) is not.
     */
    static final class ExhaustingHead extends LocationScaleHead {
        private int graphsBuilt;

        ExhaustingHead(Scale scale) {
            super(scale);
        }

        @Override
        public String type() {
            return "test-exhausting";
        }

        @Override
        protected Tensor standardLogDensity(Graph g, Tensor r) {
            if (++graphsBuilt > 1) {
                throw new OutOfMemoryError("Java heap space");
            }
            return g.neg(g.square(r));
        }

        @Override
        protected Tensor standardSample(Graph g, SampleNoise noise) {
            return noise.uniform();
        }
    }

    private Injector injector() throws Exception {
        return SyntheticDigits.injector(dir.resolve("data"), 5, 300, 100, false, new AbstractModule() {
            @Override
            protected void configure() {
                MapBinder.newMapBinder(binder(), String.class, HeadFactory.class).addBinding("test-exhausting")
                        .toInstance((ComponentSpec spec) -> {
                            Scale scale = Scale.read(spec.options(), "b");
                            spec.options().finish();
                            return (LikelihoodHead) new ExhaustingHead(scale);
                        });
            }
        });
    }

    private record Outcome(int code, String err) {
    }

    private Outcome run(Injector injector, String... extra) throws Exception {
        Path yaml = dir.resolve("exhausting.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: exhausting",
                "data: {dataset: mnist, binarize: none, validation: 100}",
                "model: {type: vae, latent_dim: 2, encoder: {type: mlp, hidden: [8]}, decoder: {type: mlp, hidden: [8]}}",
                "likelihood: {type: test-exhausting, b: 0.1}",
                "train: {epochs: 1, batch_size: 50}",
                "log: {every_steps: 2, grids_every_epochs: 0}",
                "export: {onnx: false}", ""));
        StringWriter err = new StringWriter();
        String[] args = Stream.concat(Stream.of("run", yaml.toString(), "--data-dir", dir.resolve("data").toString(),
                "--results", dir.resolve("results").toString(), "--threads", "1"), Stream.of(extra)).toArray(String[]::new);
        int code = Main.execute(injector, new PrintWriter(err, true), args);
        return new Outcome(code, err.toString());
    }

    @Test
    void anOutOfMemoryErrorIsOneLineAndTheRunIsRecordedFailedWithIt() throws Exception {
        Outcome outcome = run(injector());
        assertEquals(1, outcome.code());
        assertEquals(1, outcome.err().strip().lines().count(), outcome.err());
        assertTrue(outcome.err().startsWith("error: run exhausting-"), outcome.err());
        assertTrue(outcome.err().contains("out of memory (Java heap space)"), outcome.err());
        assertFalse(outcome.err().contains("at dev.vaelab"), outcome.err());
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("results/exhausting"))) {
            run = runs.findFirst().orElseThrow();
        }
        var record = RunRecordJson.read(run.resolve("run.json"));
        assertEquals(RunStatus.FAILED, record.status());
        assertTrue(record.error().contains("out of memory (Java heap space)"), record.error());
    }

    @Test
    void debugShowsTheTraceAfterTheLine() throws Exception {
        Outcome outcome = run(injector(), "--debug");
        assertEquals(1, outcome.code());
        assertTrue(outcome.err().startsWith("error: run exhausting-"), outcome.err());
        assertTrue(outcome.err().contains("java.lang.OutOfMemoryError: Java heap space"), outcome.err());
        assertTrue(outcome.err().contains("at dev.vaelab.cli.ErrorReportTest$ExhaustingHead"), outcome.err());
    }

    @Test
    void anUnexpectedExceptionOrErrorIsOneLineNamingWhatHappened() {
        FailureReport report = FailureReport.of(new String[0], Map.of());
        StringWriter err = new StringWriter();
        int code = report.report(new IllegalStateException("wrapper", new StackOverflowError()), new PrintWriter(err));
        assertEquals(1, code);
        assertEquals("error: the input nests too deeply to be processed (stack overflow) [--debug or VAELAB_DEBUG=1 shows the trace]",
                err.toString().strip());
        assertTrue(FailureReport.of(new String[0], Map.of("VAELAB_DEBUG", "1")).line(new NullPointerException("x"))
                .startsWith("internal error (NullPointerException: x); this is a bug in vaelab"));
        assertTrue(FailureReport.of(new String[0], Map.of("VAELAB_DEBUG", "0")).line(new NullPointerException())
                .endsWith("VAELAB_DEBUG=1 shows the trace]"));
    }

    @Test
    void aUserErrorWrappedByTheInjectorIsStillItsOwnLine() {
        // Guice wraps what a constructor throws: the engine's "fix this setting" must not read as a bug
        var wrapped = new IllegalStateException("Unable to provision", new dev.vaelab.core.error.VaelabException(
                "ONNX Runtime could not load its native library from /x", new java.nio.file.NoSuchFileException("/x/y")));
        assertEquals("ONNX Runtime could not load its native library from /x",
                FailureReport.of(new String[0], Map.of()).line(wrapped));
    }
}
