package dev.vaelab.core.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void aLogGetsTheFirstAndTheLastLineAndBuildsNoStatusInBetween() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "epoch 1/1", 1000, false);
        AtomicInteger built = new AtomicInteger();
        for (int done = 1; done <= 1000; done++) {
            int d = done;
            bar.update(done, () -> {
                built.incrementAndGet();
                return "step " + d;
            });
        }
        // well within the 5 s between log lines: the first update and the finished bar print
        assertEquals(2, built.get());
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("epoch 1/1 [") && lines[0].endsWith("step 1"), lines[0]);
        assertTrue(lines[1].contains("100%") && lines[1].endsWith("step 1000"), lines[1]);
    }

    @Test
    void theEtaAppearsOnlyOnceThePaceAfterTheFirstStepIsMeasured() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] now = {0};
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "epoch 1/1", 100, false,
                () -> now[0]);
        now[0] += 20_000_000_000L; // the first step: 20 s of warm-up
        bar.update(1, "");
        for (int done = 2; done <= 6; done++) {
            now[0] += 6_000_000_000L; // then 6 s per step, each past the 5 s between log lines
            bar.update(done, "");
        }
        now[0] += 6_000_000_000L;
        bar.update(7, "");
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(7, lines.length, String.join("\n", lines));
        for (int i = 0; i < 5; i++) { // 1 to 5 steps done: fewer than 5 % of the epoch measured after the first
            assertFalse(lines[i].contains("ETA"), lines[i]);
        }
        // at 6 done: 5 steps in 30 s since the first, 94 to go at 6 s each, without the warm-up
        assertTrue(lines[5].endsWith(" 6% ETA 9:24"), lines[5]);
        assertTrue(lines[6].endsWith(" 7% ETA 9:18"), lines[6]);
    }
}
