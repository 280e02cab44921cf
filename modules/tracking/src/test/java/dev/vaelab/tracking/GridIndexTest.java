package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grid index and the row positions a mirror of the store relies on. */
class GridIndexTest {
    @TempDir
    Path root;

    private final TestClock clock = new TestClock(RunStoreTest.START);

    @Test
    void gridsAreIndexedWithTheirStepAndTimeAndTheLastWriteWins() throws Exception {
        try (LocalRunLogger log = new LocalRunLogger(RunStore.create(root, "exp", "run", "seed: 0\n", clock,
                RunStoreTest.ENV), clock)) {
            long t0 = clock.millis();
            GridEntry first = log.writeGrid("samples", 1, 100, new byte[] {1});
            clock.advance(Duration.ofSeconds(1));
            log.logImage("reconstructions", 1, 100, new byte[] {2});
            clock.advance(Duration.ofSeconds(1));
            log.logImage("samples", 1, 120, new byte[] {3}); // a resumed run logs epoch 1 again
            assertEquals(new GridEntry("samples_e001.png", "samples", 1, 100, t0), first);
            assertEquals(List.of(new GridEntry("samples_e001.png", "samples", 1, 120, t0 + 2000),
                    new GridEntry("reconstructions_e001.png", "reconstructions", 1, 100, t0 + 1000)),
                    log.store().readGridIndex());
            // a line cut short by a crash is ignored
            Files.writeString(log.store().gridIndexFile(), "traversals_e002.png,trav", StandardOpenOption.APPEND);
            assertEquals(2, log.store().readGridIndex().size());
        }
    }

    @Test
    void appendedRowsKnowTheirPlaceInTheFileAcrossReopening() {
        RunStore store = RunStore.create(root, "exp", "run", "seed: 0\n", clock, RunStoreTest.ENV);
        try (LocalRunLogger log = new LocalRunLogger(store, clock)) {
            AppendedRows a = log.appendMetrics(Map.of("train/loss", 1.0, "train/kl", 2.0), 1);
            AppendedRows b = log.appendMetrics(Map.of("train/loss", 0.5), 2);
            assertEquals(0, a.firstIndex());
            assertEquals(2, b.firstIndex());
            assertEquals(3, b.endIndex());
        }
        RunStore reopened = RunStore.open(store.directory(), clock);
        assertEquals(3, reopened.metricRowCount());
        assertEquals(3, reopened.appendMetrics(List.of(new MetricRow("train/loss", 0.25, 3, 9))));
        assertEquals(1, reopened.retainMetricsThrough(2));
        assertEquals(3, reopened.metricRowCount());
        reopened.putExtras(Map.of("a", "1", "b", "2"));
        assertEquals(Map.of("a", "1", "b", "2"), RunStore.open(store.directory()).record().extra());
        assertTrue(!reopened.beingWritten(), "closed by retainMetricsThrough until the next append");
        reopened.close();
    }
}
