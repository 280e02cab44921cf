package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.error.VaelabException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCsvTest {
    @TempDir
    Path root;

    private RunStore create() {
        return RunStore.create(root, "exp", "run", "seed: 0\n", new TestClock(RunStoreTest.START), RunStoreTest.ENV);
    }

    @Test
    void roundTripsEveryDoubleExactly() throws Exception {
        List<MetricRow> rows = List.of(
                new MetricRow("train/loss", 0.1f, 1, 1000),
                new MetricRow("train/loss", Math.PI, 2, 1001),
                new MetricRow("train/elbo", Double.NaN, 3, 1002),
                new MetricRow("train/kl", Double.POSITIVE_INFINITY, 3, 1002),
                new MetricRow("train/recon_ll", Double.NEGATIVE_INFINITY, 3, 1002),
                new MetricRow("val/kl_dim/03", -0.0, 4, 1003),
                new MetricRow("val/kl_dim/04", Double.MIN_VALUE, 4, 1003),
                new MetricRow("val/elbo", -1.2345678901234567e300, 5_000_000_000L, 1_735_787_045_678L));
        try (RunStore store = create()) {
            store.appendMetrics(rows);
        }
        Path file = root.resolve("exp/run/metrics.csv");

        assertEquals(rows, MetricsCsv.read(file));
        String text = Files.readString(file);
        assertTrue(text.startsWith("key,value,step,timestamp\ntrain/loss,0.10000000149011612,1,1000\n"), text);
        assertTrue(text.contains("\ntrain/elbo,NaN,3,1002\ntrain/kl,Infinity,3,1002\ntrain/recon_ll,-Infinity,3,1002\n"),
                text);
    }

    @Test
    void readsUpToTheLastCompleteLine() throws Exception {
        Path file = root.resolve("metrics.csv");
        Files.writeString(file, "key,value,step,timestamp\ntrain/loss,1.5,1,10\ntrain/loss,2.5,2,20\ntrain/loss,0.12");

        assertEquals(List.of(new MetricRow("train/loss", 1.5, 1, 10), new MetricRow("train/loss", 2.5, 2, 20)),
                MetricsCsv.read(file));
    }

    @Test
    void aFileCutInsideTheHeaderHasNoRows() throws Exception {
        Path file = root.resolve("metrics.csv");
        Files.writeString(file, "key,val");
        assertEquals(List.of(), MetricsCsv.read(file));
        Files.writeString(file, "");
        assertEquals(List.of(), MetricsCsv.read(file));
    }

    @Test
    void appendingAfterReopenKeepsOneHeader() throws Exception {
        try (RunStore store = create()) {
            store.appendMetrics(List.of(new MetricRow("train/loss", 3.0, 1, 10), new MetricRow("train/loss", 2.0, 2, 20)));
        }
        try (RunStore store = RunStore.open(root.resolve("exp/run"))) {
            store.appendMetrics(List.of(new MetricRow("train/loss", 1.0, 3, 30)));
        }
        Path file = root.resolve("exp/run/metrics.csv");

        assertEquals("key,value,step,timestamp\ntrain/loss,3.0,1,10\ntrain/loss,2.0,2,20\ntrain/loss,1.0,3,30\n",
                Files.readString(file));
    }

    @Test
    void appendingAfterACrashDropsThePartialRowAndStartsANewLine() throws Exception {
        create().close();
        Path file = root.resolve("exp/run/metrics.csv");
        Files.writeString(file, "key,value,step,timestamp\ntrain/loss,1.5,1,10\ntrain/lo", StandardCharsets.UTF_8);
        try (RunStore store = RunStore.open(root.resolve("exp/run"))) {
            store.appendMetrics(List.of(new MetricRow("train/loss", 0.5, 2, 20)));
        }

        assertEquals("key,value,step,timestamp\ntrain/loss,1.5,1,10\ntrain/loss,0.5,2,20\n", Files.readString(file));
    }

    @Test
    void appendingAfterACrashInsideTheHeaderRewritesIt() throws Exception {
        create().close();
        Path file = root.resolve("exp/run/metrics.csv");
        Files.writeString(file, "key,va");
        try (RunStore store = RunStore.open(root.resolve("exp/run"))) {
            store.appendMetrics(List.of(new MetricRow("epoch", 1.0, 2, 20)));
        }

        assertEquals("key,value,step,timestamp\nepoch,1.0,2,20\n", Files.readString(file));
    }

    @Test
    void rejectsAFileWithAnotherHeader() throws Exception {
        create().close();
        Path file = root.resolve("exp/run/metrics.csv");
        Files.writeString(file, "step,metric,value\n1,train/loss,2.0\n");

        DataException onRead = assertThrows(DataException.class, () -> MetricsCsv.read(file));
        assertTrue(onRead.getMessage().contains("'step,metric,value'"), onRead.getMessage());
        try (RunStore store = RunStore.open(root.resolve("exp/run"))) {
            assertThrows(DataException.class,
                    () -> store.appendMetrics(List.of(new MetricRow("epoch", 1.0, 2, 20))));
        }
        assertEquals("step,metric,value\n1,train/loss,2.0\n", Files.readString(file));
    }

    @Test
    void namesTheLineOfABadRow() throws Exception {
        Path file = root.resolve("metrics.csv");
        Files.writeString(file, "key,value,step,timestamp\ntrain/loss,1.5,1,10\ntrain/loss,oops,2,20\n");

        DataException e = assertThrows(DataException.class, () -> MetricsCsv.read(file));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void oneWriterPerRun() {
        try (RunStore first = create(); RunStore second = RunStore.open(first.directory())) {
            first.appendMetrics(List.of(new MetricRow("epoch", 1.0, 1, 1)));
            VaelabException e = assertThrows(VaelabException.class,
                    () -> second.appendMetrics(List.of(new MetricRow("epoch", 2.0, 2, 2))));
            assertTrue(e.getMessage().contains("already open for writing"), e.getMessage());
        }
    }

    @Test
    void aBatchWithABadKeyAppendsNothing() {
        try (RunStore store = create()) {
            assertThrows(VaelabException.class, () -> store.appendMetrics(List.of(
                    new MetricRow("train/loss", 1.0, 1, 1), new MetricRow("train/loss\ntrain/kl", 2.0, 1, 1))));
            store.appendMetrics(List.of(new MetricRow("train/kl", 3.0, 2, 2)));
            assertEquals(List.of(new MetricRow("train/kl", 3.0, 2, 2)), store.readMetrics());
        }
    }

    @Test
    void readMetricsIncludesRowsStillBuffered() {
        try (RunStore store = create()) {
            store.appendMetrics(List.of(new MetricRow("train/lr", 1e-3, 7, 70)));
            assertEquals(List.of(new MetricRow("train/lr", 1e-3, 7, 70)), store.readMetrics());
        }
    }
}
