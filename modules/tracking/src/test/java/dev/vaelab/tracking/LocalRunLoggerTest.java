package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRunLoggerTest {
    @TempDir
    Path root;

    private final TestClock clock = new TestClock(RunStoreTest.START);

    private LocalRunLogger logger() {
        return new LocalRunLogger(RunStore.create(root, "exp", "run", "seed: 0\n", clock, RunStoreTest.ENV), clock);
    }

    @Test
    void logsARunToItsDirectory() throws Exception {
        long t0 = RunStoreTest.START.toEpochMilli();
        Path dir;
        try (LocalRunLogger log = logger()) {
            dir = log.store().directory();
            Map<String, Double> train = new LinkedHashMap<>();
            train.put(MetricKeys.TRAIN_LOSS, 98.5);
            train.put(MetricKeys.TRAIN_KL, Double.NaN);
            log.logMetrics(train, 50);
            clock.advance(Duration.ofSeconds(2));
            log.logMetric(MetricKeys.VAL_ELBO, -99.25, 100);
            BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setSample(2, 1, 0, 77);
            log.logImage("samples", 5, 100, image);
            log.logSummary(Map.of(MetricKeys.TEST_ELBO, -98.75));
            clock.advance(Duration.ofSeconds(3));
            log.finish(RunStatus.FINISHED, null);
        }

        assertEquals(List.of(
                new MetricRow("train/loss", 98.5, 50, t0),
                new MetricRow("train/kl", Double.NaN, 50, t0),
                new MetricRow("val/elbo", -99.25, 100, t0 + 2000)),
                MetricsCsv.read(dir.resolve("metrics.csv")));
        BufferedImage grid = ImageIO.read(dir.resolve("grids/samples_e005.png").toFile());
        assertEquals(77, grid.getRaster().getSample(2, 1, 0));
        assertEquals(Map.of("test/elbo", -98.75), SummaryJson.read(dir.resolve("summary.json")));
        RunRecord record = RunStore.open(dir).record();
        assertEquals(RunStatus.FINISHED, record.status());
        assertEquals(Duration.ofSeconds(5), record.duration().orElseThrow());
    }

    @Test
    void eachLoggedRowReachesTheFileWithoutAnExplicitFlush() {
        try (LocalRunLogger log = logger()) {
            log.logMetric(MetricKeys.TRAIN_LR, 1e-3, 1);
            // Read the file itself, not through the store, as another process (or a post-crash reader) would.
            assertEquals(List.of(new MetricRow("train/lr", 1e-3, 1, RunStoreTest.START.toEpochMilli())),
                    MetricsCsv.read(log.store().metricsFile()));
        }
    }

    @Test
    void aRunClosedWithoutFinishingIsRecordedAsFailed() {
        Path dir;
        try (LocalRunLogger log = logger()) {
            dir = log.store().directory();
        }
        RunRecord record = RunStore.open(dir).record();
        assertEquals(RunStatus.FAILED, record.status());
        assertTrue(record.error().contains("without reporting"), record.error());
    }

    @Test
    void badKeysAreRejectedAndNothingOfTheBatchIsWritten() {
        try (LocalRunLogger log = logger()) {
            Map<String, Double> batch = new LinkedHashMap<>();
            batch.put("train/loss", 1.0);
            batch.put("train loss,2", 2.0);
            VaelabException e = assertThrows(VaelabException.class, () -> log.logMetrics(batch, 1));
            assertTrue(e.getMessage().contains("'train loss,2'"), e.getMessage());
            assertThrows(VaelabException.class, () -> log.logMetric("val/kl_dim//3", 1.0, 1));
            assertEquals(List.of(), log.store().readMetrics());
        }
    }

    @Test
    void finishNeedsATerminalStatus() {
        try (LocalRunLogger log = logger()) {
            assertThrows(IllegalArgumentException.class, () -> log.finish(RunStatus.RUNNING, null));
            log.finish(RunStatus.KILLED, "interrupted");
            assertEquals(RunStatus.KILLED, log.store().record().status());
        }
    }
}
