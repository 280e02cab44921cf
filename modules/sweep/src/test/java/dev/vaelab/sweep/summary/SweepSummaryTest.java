package dev.vaelab.sweep.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigScalar;
import dev.vaelab.core.config.SourceLocation;
import dev.vaelab.sweep.Domain;
import dev.vaelab.sweep.SweepParameter;
import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.PlannedRun;
import dev.vaelab.sweep.RunResult;
import dev.vaelab.sweep.SweepFiles;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepMetric;
import dev.vaelab.sweep.SweepPlan;
import dev.vaelab.sweep.SweepSpec;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunEnvironment;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary of a folder of runs: ranking, the three renderings, plots that show the data. */
class SweepSummaryTest {
    @TempDir
    Path root;

    private Path experiment() {
        return root.resolve("exp");
    }

    /** A run folder as a finished (or failed) run leaves it, with val/elbo and train/loss curves. */
    private void run(String name, String config, RunStatus status, Double testElbo, String error, int startSecond) {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(startSecond), ZoneOffset.UTC);
        try (RunStore store = RunStore.create(root, "exp", name, config, clock, new RunEnvironment("host", "test"))) {
            List<MetricRow> rows = new ArrayList<>();
            double base = testElbo == null ? -300 : testElbo;
            for (int epoch = 1; epoch <= 3; epoch++) {
                rows.add(new MetricRow("train/loss", -base + 30.0 / epoch, epoch * 100L - 50, 0));
                rows.add(new MetricRow("val/elbo", base - 20.0 / epoch, epoch * 100L, 0));
                rows.add(new MetricRow("val/active_units", 3 + epoch % 2, epoch * 100L, 0));
            }
            store.appendMetrics(rows);
            if (testElbo != null) {
                store.writeSummary(Map.of("test/elbo", testElbo, "test/nll_iw", -testElbo - 2));
            }
            store.setStatus(status, error);
        }
    }

    private void plan(List<PlannedRun> runs) {
        SourceLocation at = new SourceLocation("x.yaml", 1, 1);
        Domain values = new Domain.Values(List.of(new ConfigScalar("1", true, at, "")));
        SweepSpec spec = new SweepSpec(false, List.of(new SweepParameter("beta.end", at, values),
                new SweepParameter("model.encoder.activation", at, values)), 0, 0, 2, SweepMetric.DEFAULT,
                new SweepSpec.Launch("local", at));
        SweepFiles.writePlan(new SweepLayout(experiment()), new SweepPlan(Path.of("x.yaml"), "exp", spec, runs, 0));
    }

    private static PlannedRun planned(int i, String name, String beta, String act) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("beta.end", beta);
        params.put("model.encoder.activation", act);
        return new PlannedRun(i, name, params, "name: exp\n");
    }

    @Test
    void ranksBySweepMetricAndWritesTableCsvMarkdownAndPlots() throws Exception {
        run("exp-a", "name: exp\n", RunStatus.FINISHED, -100.0, null, 0);
        run("exp-b", "name: exp\n", RunStatus.FINISHED, -95.5, null, 1);
        run("exp-c", "name: exp\n", RunStatus.FAILED, null, "training diverged: the loss became NaN at step 7\nmore", 2);
        run("exp-d", "name: exp\n", RunStatus.FINISHED, -120.25, null, 3);
        plan(List.of(planned(0, "exp-a", "1", "relu"), planned(1, "exp-b", "4", "relu"), planned(2, "exp-c", "16", "tanh"),
                planned(3, "exp-d", "16", "relu"), planned(4, "exp-e", "64", "tanh"), planned(5, "exp-f", "64", "relu")));
        SweepFiles.writeOutcomes(new SweepLayout(experiment()), List.of(new RunResult("exp-f", Outcome.FAILED,
                "the run's process ended with exit code 1 before the run started; last output:\nerror: no data", 1, 2.0, false)));

        SweepSummary.Written written = SweepSummary.write(experiment(), Optional.empty());
        SummaryTable table = written.table();
        assertEquals(List.of("exp-b", "exp-a", "exp-d", "exp-c", "exp-e", "exp-f"),
                table.rows().stream().map(RunRow::name).toList());
        assertEquals(List.of("finished", "finished", "finished", "failed", "pending", "failed"),
                table.rows().stream().map(RunRow::status).toList());
        assertEquals(List.of("test/elbo", "test/nll_iw", "val/active_units"), table.metrics());
        // the last value of a metric that summary.json lacks
        assertEquals(4.0, table.rows().get(0).metrics().get("val/active_units"));
        assertTrue(table.headline().endsWith("best -95.5000: beta.end=4 model.encoder.activation=relu (exp-b)"),
                table.headline());

        String text = table.toText();
        assertTrue(text.lines().toList().get(2).matches("\\s*1\\s+exp-b\\s+finished\\s+4\\s+relu\\s+-95\\.5000\\s+93\\.5000\\s+4\\s+0s"),
                text);
        assertTrue(text.lines().toList().get(5).matches("\\s*-\\s+exp-c\\s+failed\\s+16\\s+tanh\\s+4\\s+0s"), text);

        List<String> csv = Files.readAllLines(written.csv());
        assertEquals("rank,run,status,beta.end,model.encoder.activation,test/elbo,test/nll_iw,val/active_units,seconds,error",
                csv.get(0));
        assertEquals("1,exp-b,finished,4,relu,-95.5,93.5,4.0,0.000,", csv.get(1));
        assertTrue(csv.get(4).startsWith("-,exp-c,failed,16,tanh,,,4.0,0.000,\"training diverged: the loss became NaN"),
                csv.get(4));
        assertEquals("more\"", csv.get(5), "a multi-line error is one quoted CSV field");

        String md = Files.readString(written.markdown());
        assertTrue(md.contains("| 1 | exp-b | finished | 4 | relu | -95.5000 | 93.5000 | 4 | 0s |"), md);
        assertTrue(md.contains("- `exp-c` (beta.end=16 model.encoder.activation=tanh), failed: training diverged"), md);
        assertTrue(md.contains("- `exp-f` (beta.end=64 model.encoder.activation=relu), failed: the run's process ended"), md);
        assertTrue(md.contains("![plots/test_elbo_vs_beta.end.png](plots/test_elbo_vs_beta.end.png)"), md);

        Path plots = experiment().resolve("plots");
        assertEquals(List.of(plots.resolve("test_elbo_vs_beta.end.png"), plots.resolve("test_elbo_vs_model.encoder.activation.png"),
                plots.resolve("curves_val_elbo.png"), plots.resolve("curves_train_loss.png")), written.plots());
        BufferedImage scatter = ImageIO.read(plots.resolve("test_elbo_vs_beta.end.png").toFile());
        assertEquals(760, scatter.getWidth());
        assertEquals(480, scatter.getHeight());
        // one blue disc per finished run, on a log axis (1 .. 16 spans more than a decade)
                assertTrue(count(scatter, 0x4E79A7) > 3 * 30, "run points drawn: " + count(scatter, 0x4E79A7));
        BufferedImage curves = ImageIO.read(plots.resolve("curves_val_elbo.png").toFile());
        assertEquals(980, curves.getWidth());
        for (int colour : new int[] {0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2}) {
            assertTrue(count(curves, colour) > 50, "a curve per run that logged val/elbo: " + Integer.toHexString(colour));
        }
    }

    @Test
    void anUnreadableRunJsonOrSummaryIsThatRunsCorruptRowAndTheSummaryGoesOn() throws Exception {
        run("exp-a", "name: exp\n", RunStatus.FINISHED, -100.0, null, 0);
        run("exp-b", "name: exp\n", RunStatus.FINISHED, -95.5, null, 1);
        run("exp-c", "name: exp\n", RunStatus.FINISHED, -90.0, null, 2);
        Files.writeString(experiment().resolve("exp-b/run.json"), "{\"run_id\": \"x\", \"status"); // cut short
        Files.writeString(experiment().resolve("exp-c/summary.json"), "\u0000\u0001garbage");
        plan(List.of(planned(0, "exp-a", "1", "relu"), planned(1, "exp-b", "4", "relu"), planned(2, "exp-c", "16", "tanh")));
        SummaryTable table = SweepSummary.write(experiment(), Optional.empty()).table();
        assertEquals(List.of("exp-a", "exp-b", "exp-c"), table.rows().stream().map(RunRow::name).toList());
        assertEquals(List.of("finished", "corrupt", "corrupt"), table.rows().stream().map(RunRow::status).toList());
        String error = table.rows().get(1).error();
        assertTrue(error.startsWith("corrupt: cannot read run file " + experiment().resolve("exp-b/run.json")), error);
        assertEquals(1, error.lines().count(), error);
        assertTrue(error.endsWith("'vaelab run --restart' on the run's config moves it aside and trains it afresh"), error);
        assertTrue(table.rows().get(2).error().contains(experiment().resolve("exp-c/summary.json").toString()),
                table.rows().get(2).error());

        // the sweep's own view of the runs: the corrupt one failed, with the reason, the others as they are
        SweepLayout layout = new SweepLayout(experiment());
        assertEquals(Outcome.FINISHED, dev.vaelab.sweep.SweepRunner.priorState(layout, "exp-a"));
        assertEquals(Outcome.FAILED, dev.vaelab.sweep.SweepRunner.priorState(layout, "exp-b"));
        assertEquals(error, dev.vaelab.sweep.SweepRunner.recordedError(layout, "exp-b"));

        // without a plan: the unreadable run is listed last, as corrupt; a moved-aside copy is not listed
        Files.delete(experiment().resolve("sweep/plan.json"));
        Files.createDirectories(experiment().resolve("exp-b.corrupt-2026-01-01T00-00-00Z"));
        Files.copy(experiment().resolve("exp-b/run.json"), experiment().resolve("exp-b.corrupt-2026-01-01T00-00-00Z/run.json"));
        table = SweepSummary.write(experiment(), Optional.empty()).table();
        assertEquals(List.of("exp-a", "exp-c", "exp-b"), table.rows().stream().map(RunRow::name).toList());
        assertEquals(List.of("finished", "corrupt", "corrupt"), table.rows().stream().map(RunRow::status).toList());
    }

    @Test
    void aGoalOfMinimizeReversesTheRanking() {
        run("exp-a", "name: exp\n", RunStatus.FINISHED, -100.0, null, 0);
        run("exp-b", "name: exp\n", RunStatus.FINISHED, -95.5, null, 1);
        SummaryTable table = SweepSummary.write(experiment(), Optional.of(new SweepMetric("test/nll_iw", false))).table();
        assertEquals(List.of("exp-b", "exp-a"), table.rows().stream().map(RunRow::name).toList());
        table = SweepSummary.write(experiment(), Optional.of(new SweepMetric("test/elbo", false))).table();
        assertEquals(List.of("exp-a", "exp-b"), table.rows().stream().map(RunRow::name).toList());
    }

    @Test
    void withoutAPlanTheColumnsAreTheKeysThatDifferAndMovedAsideRunsAreLeftOut() throws Exception {
        run("exp-a", "name: exp\nseed: 0\nbeta: {end: 1}\n", RunStatus.FINISHED, -100.0, null, 0);
        run("exp-b", "name: exp\nseed: 1\nbeta: {end: 1}\n", RunStatus.FINISHED, -99.0, null, 1);
        run("exp-c", "name: exp\nseed: 1\nbeta: {end: 4}\n", RunStatus.KILLED, null, "interrupted", 2);
        // an earlier attempt moved aside keeps its old run.json, naming exp-a
        Path aside = experiment().resolve("exp-a.failed-2026-01-01T00-00-00Z");
        Files.createDirectories(aside);
        Files.copy(experiment().resolve("exp-a/run.json"), aside.resolve("run.json"));
        SummaryTable table = SweepSummary.write(experiment(), Optional.empty()).table();
        assertEquals(List.of("seed", "beta.end"), table.parameters());
        assertEquals(List.of("exp-b", "exp-a", "exp-c"), table.rows().stream().map(RunRow::name).toList());
        assertEquals("killed", table.rows().get(2).status());
        assertEquals(Map.of("seed", "1", "beta.end", "4"), table.rows().get(2).parameters());
        assertFalse(Files.readString(experiment().resolve("summary.csv")).contains("failed-2026"));
    }

    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
