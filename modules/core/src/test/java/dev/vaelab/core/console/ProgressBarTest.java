package dev.vaelab.core.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
