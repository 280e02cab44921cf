package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaelab.core.error.VaelabException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositeRunLoggerTest {
    /** Records calls as text; optionally fails every call after recording it. */
    private static final class Recording implements RunLogger {
        final List<String> calls = new ArrayList<>();
        final RuntimeException failure;
        byte[] lastPng;

        Recording(RuntimeException failure) {
            this.failure = failure;
        }

        private void record(String call) {
            calls.add(call);
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void logMetric(String key, double value, long step) {
            record("metric " + key + "=" + value + "@" + step);
        }

        @Override
        public void logMetrics(Map<String, Double> metrics, long step) {
            record("metrics " + metrics + "@" + step);
        }

        @Override
        public void logImage(String kind, int epoch, long step, byte[] png) {
            lastPng = png;
            record("image " + kind + " e" + epoch + "@" + step);
        }

        @Override
        public void logSummary(Map<String, Double> metrics) {
            record("summary " + metrics);
        }

        @Override
        public void flush() {
            record("flush");
        }

        @Override
        public long metricRows() {
            return calls.stream().filter(c -> c.startsWith("metric")).count();
        }

        @Override
        public void finish(RunStatus status, String error) {
            record("finish " + status.wireName() + " " + error);
        }

        @Override
        public void close() {
            record("close");
        }

        @Override
        public void detach() {
            record("detach");
        }
    }

    @Test
    void everyLoggerGetsEveryCallInOrder() {
        Recording a = new Recording(null);
        Recording b = new Recording(null);
        try (RunLogger log = new CompositeRunLogger(List.of(a, b))) {
            log.logMetric("train/loss", 2.5, 7);
            log.logMetrics(Map.of("val/elbo", -90.0), 8);
            log.logImage("samples", 1, 8, new byte[] {1, 2});
            log.flush();
            log.finish(RunStatus.FINISHED, null);
        }
        List<String> expected = List.of("metric train/loss=2.5@7", "metrics {val/elbo=-90.0}@8", "image samples e1@8",
                "flush", "finish finished null", "close");
        assertEquals(expected, a.calls);
        assertEquals(expected, b.calls);
        assertArrayEquals(new byte[] {1, 2}, b.lastPng);
    }

    @Test
    void aFailingLoggerDoesNotStopTheOthers() {
        RuntimeException down = new VaelabException("MLflow server unreachable");
        RuntimeException full = new VaelabException("disk full");
        Recording remote = new Recording(down);
        Recording local = new Recording(null);
        Recording third = new Recording(full);
        RunLogger log = new CompositeRunLogger(List.of(remote, local, third));

        RuntimeException thrown = assertThrows(RuntimeException.class, () -> log.logMetric("train/loss", 1.0, 1));

        assertSame(down, thrown);
        assertArrayEquals(new Throwable[] {full}, thrown.getSuppressed());
        assertEquals(List.of("metric train/loss=1.0@1"), local.calls);
    }

    @Test
    void theRowsCountedAreTheFirstLoggers() {
        Recording record = new Recording(null);
        Recording mirror = new Recording(null);
        RunLogger log = new CompositeRunLogger(List.of(record, mirror));
        log.logMetric("train/loss", 1.0, 1);
        mirror.logMetric("train/loss", 2.0, 2); // a mirror ahead of the record does not count
        mirror.logMetric("train/loss", 3.0, 3);
        assertEquals(1, log.metricRows());
        assertThrows(IllegalArgumentException.class, () -> new CompositeRunLogger(List.of()));
    }

    @Test
    void aBadKeyReachesNoLogger() {
        Recording a = new Recording(null);
        RunLogger log = new CompositeRunLogger(List.of(a));
        assertThrows(VaelabException.class, () -> log.logMetric("train:loss", 1.0, 1));
        assertThrows(VaelabException.class, () -> log.logMetrics(Map.of("ok", 1.0, "not ok,", 2.0), 1));
        assertThrows(VaelabException.class, () -> log.logSummary(Map.of("test/elbo\n", 1.0)));
        assertEquals(List.of(), a.calls);
    }
}
