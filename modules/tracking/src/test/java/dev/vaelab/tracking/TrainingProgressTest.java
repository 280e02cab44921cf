package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
    private long now = 7_000_000_000L;

    @Test
    void showsSmoothedLossThroughputAndAnEpochSummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TrainingProgress progress = new TrainingProgress(out, false, 5, () -> now);

        progress.startEpoch(2, 3);
        double[] losses = {2.0, 4.0, 1.0};
        for (int i = 0; i < losses.length; i++) {
            now += 1_000_000_000L;
            progress.step(40 + i, 100, losses[i]);
        }
        // 2.0, then 0.95 * 2.0 + 0.05 * 4.0 = 2.1, then 0.95 * 2.1 + 0.05 * 1.0 = 2.045.
        assertEquals(2.045, progress.smoothedLoss(), 1e-12);
        assertEquals(100.0, progress.examplesPerSecond(), 1e-9);
        Map<String, Double> summary = new LinkedHashMap<>();
        summary.put("val/elbo", -98.123456);
        summary.put("val/kl", 2.5e-5);
        summary.put("val/active_units", Double.NaN);
        progress.endEpoch(summary);

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        String bar = lines[lines.length - 2];
        assertTrue(bar.startsWith("epoch 2/5 [########################] 100%"), bar);
        assertTrue(bar.endsWith("step 42  loss 2.0450  100 ex/s"), bar);
        assertEquals("epoch 2/5  3s  val/elbo -98.1235  val/kl 2.500e-05  val/active_units NaN",
                lines[lines.length - 1]);
    }

    @Test
    void theAverageCarriesAcrossEpochs() {
        TrainingProgress progress = new TrainingProgress(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, 2, () -> now);
        progress.startEpoch(1, 1);
        progress.step(1, 10, 10.0);
        progress.endEpoch(Map.of());
        progress.startEpoch(2, 1);
        progress.step(2, 10, 0.0);
        assertEquals(9.5, progress.smoothedLoss(), 1e-12);
    }
}
