package dev.vaelab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress display: how far a run is from its last line, the ETA, and the block on screen. */
class SweepStatusTest {
    @Test
    void fractionComesFromTheTrainingProgressLine() {
        assertEquals(0.24, SweepStatus.fraction("epoch 3/10 [#########...............]  40% ETA 0:12  step 1290").getAsDouble(), 1e-12);
        assertEquals(0.3, SweepStatus.fraction("epoch 3/10  2s  train/epoch_seconds 1.1  val/elbo -101.2").getAsDouble(), 1e-12);
        assertTrue(SweepStatus.fraction("run x-1a2b: vae on mnist, 1 threads").isEmpty());
    }

    @Test
    void etaIsTheMeanRunTimeTimesTheWorkLeftOverTheLanes() {
        var half = new SweepStatus.Running(0, "a", "seed=0", 30, "epoch 1/2 [####] 100% in 9s");
        // ended runs took 60 s on average; 3 waiting + half a run left, 2 at once
        assertEquals(60 * 3.5 / 2, SweepStatus.eta(List.of(50.0, 70.0), List.of(half), 3, 2).getAsDouble(), 1e-9);
        // no run ended yet: extrapolate the running one (half done in 30 s, so 60 s a run)
        assertEquals(60 * 0.5, SweepStatus.eta(List.of(), List.of(half), 0, 2).getAsDouble(), 1e-9);
        assertEquals(OptionalDouble.empty(), SweepStatus.eta(List.of(), List.of(), 4, 2));
    }

    @Test
    void theBlockHasAHeadAndALinePerRunningRunCutToWidth() {
        var status = new SweepStatus("exp", 18, 5, 1, 0, 10, List.of(
                new SweepStatus.Running(6, "exp-1", "beta.end=4 seed=0", 75, "epoch 2/10 [###...] 20% ETA 1:00  step 900  loss 101.5")),
                250, OptionalDouble.of(700));
        List<String> lines = status.lines(60);
        assertEquals("sweep exp: 5/18 done, 1 running, 1 failed, 10 waiting | 4:1…", lines.get(0));
        assertEquals(2, lines.size());
        assertEquals("  [7] beta.end=4 seed=0 | 1:15 | epoch 2/10 [###...] 20% ET…", lines.get(1));
        assertEquals("sweep exp: 5/18 done, 1 running, 1 failed, 10 waiting | 4:10 elapsed, ETA 11:40",
                status.lines(200).get(0));
        var stopped = new SweepStatus("exp", 3, 0, 0, 2, 1, List.of(), 5, OptionalDouble.empty());
        assertEquals("sweep exp: 0/3 done, 0 running, 0 failed, 2 killed, 1 waiting | 5s elapsed", stopped.lines(200).get(0));
    }

    @Test
    void aLogGetsEventsAsTheyHappenAndTheBlockAtIntervals() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        SweepConsole console = new SweepConsole(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 100, now::get);
        var status = new SweepStatus("exp", 2, 0, 0, 0, 1, List.of(), 1, OptionalDouble.empty());
        console.status(() -> status);
        console.event("started  [1] seed=0");
        now.addAndGet(1_000_000_000L);
        console.status(() -> status); // too soon for a log
        now.addAndGet(15_000_000_000L);
        console.status(() -> status);
        assertEquals(String.join("\n", "sweep exp: 0/2 done, 0 running, 0 failed, 1 waiting | 1s elapsed",
                "started  [1] seed=0", "sweep exp: 0/2 done, 0 running, 0 failed, 1 waiting | 1s elapsed", ""),
                bytes.toString(StandardCharsets.UTF_8));
    }
}
