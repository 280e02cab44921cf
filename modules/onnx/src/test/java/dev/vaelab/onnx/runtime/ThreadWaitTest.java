package dev.vaelab.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.onnx.SystemProperties;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.Adam;
import dev.vaelab.onnx.optim.Initializer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a training session's threads wait: the chooser's decisions on constructed call times (which way
 * it keeps, when it tries the other, how it backs off and when it notices the machine change), and a
 * session that switches between its two ways training to the same numbers, bit for bit, as one that
 * only sleeps.
 */
class ThreadWaitTest {
    private static final ThreadWait SLEEP = ThreadWait.SLEEP;
    private static final ThreadWait SPIN = ThreadWait.SPIN;
    private static final int STEPS = 100;

    /** Runs {@code calls} calls on {@code chooser}, each way taking the given milliseconds per step; returns the ways used. */
    private static List<ThreadWait> drive(AdaptiveThreadWait chooser, int calls, double sleepMs, double spinMs) {
        return drive(chooser, calls, sleepMs, spinMs, 0);
    }

    /** As above, the rest of the machine taking {@code otherCores} cores' worth of CPU time during each call. */
    private static List<ThreadWait> drive(AdaptiveThreadWait chooser, int calls, double sleepMs, double spinMs,
                                          double otherCores) {
        List<ThreadWait> used = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            ThreadWait way = chooser.next();
            used.add(way);
            long nanos = Math.round((way == SLEEP ? sleepMs : spinMs) * 1e6 * STEPS);
            chooser.record(way, STEPS, nanos, Math.round(otherCores * nanos));
        }
        return used;
    }

    private static int count(List<ThreadWait> ways, ThreadWait way) {
        return (int) ways.stream().filter(w -> w == way).count();
    }

    @Test
    void eachWayIsWarmedUpAndMeasuredBeforeAnyIsKept() {
        AdaptiveThreadWait chooser = new AdaptiveThreadWait();
        // first calls are slow (allocations): the chooser must not hold them against either way
        chooser.record(chooser.next(), STEPS, 50_000_000_000L, 0);
        assertEquals(SLEEP, chooser.next(), "the sleeping session's first measured call");
        chooser.record(SLEEP, STEPS, 300_000_000L, 0);
        assertEquals(SPIN, chooser.next());
        chooser.record(SPIN, STEPS, 50_000_000_000L, 0);
        assertEquals(SPIN, chooser.next(), "the spinning session's first measured call");
        chooser.record(SPIN, STEPS, 270_000_000L, 0);
        assertEquals(SPIN, chooser.kept(), "2.7 ms a step beats 3.0");
        assertEquals(Map.of(SLEEP, 2, SPIN, 2), chooser.calls());
    }

    @Test
    void aLosingProbeDoublesTheWaitForTheNextUpToItsLongest() {
        AdaptiveThreadWait chooser = new AdaptiveThreadWait();
        List<ThreadWait> ways = drive(chooser, 4 + 300, 3.0, 2.7);
        assertEquals(List.of(SLEEP, SLEEP, SPIN, SPIN), ways.subList(0, 4));
        // then spinning is kept, and sleeping tried after 4, 8, 16, 32, 64, 64 ... kept calls
        List<Integer> probes = new ArrayList<>();
        for (int i = 4; i < ways.size(); i++) {
            if (ways.get(i) == SLEEP) {
                probes.add(i);
            }
        }
        List<Integer> expected = new ArrayList<>();
        int at = 4;
        for (int gap = AdaptiveThreadWait.FIRST_PROBE; ; gap = Math.min(2 * gap, AdaptiveThreadWait.LONGEST_PROBE)) {
            at += gap;
            if (at >= ways.size()) {
                break;
            }
            expected.add(at);
            at++;
        }
        assertEquals(List.of(8, 17, 34, 67, 132, 197, 262), expected, "the schedule itself");
        assertEquals(expected, probes);
        assertEquals(SPIN, chooser.kept());
    }

    @Test
    void onBusyCoresSleepingIsKeptAndSpinningTriedLessAndLessOften() {
        AdaptiveThreadWait chooser = new AdaptiveThreadWait();
        // two busy processes beside it: spinning takes twice as long (bench/README.md, "Spinning threads")
        List<ThreadWait> ways = drive(chooser, 500, 6.0, 12.0);
        assertEquals(SLEEP, chooser.kept());
        // 2 warm-up and first measured calls, then probes after 4, 8, 16, 32, 64, 64 ...
        int probes = count(ways.subList(4, ways.size()), SPIN);
        assertEquals(9, probes, ways.toString());
    }

    @Test
    void whenTheKeptWaySlowsDownTheOtherIsTriedAtOnce() {
        AdaptiveThreadWait chooser = new AdaptiveThreadWait();
        drive(chooser, 60, 3.0, 2.7);
        assertEquals(SPIN, chooser.kept());
        // spinning slows to 8 ms a step, sleeping to 5, and no counter says why (as a hypervisor can)
        List<ThreadWait> after = drive(chooser, 12, 5.0, 8.0);
        int firstSleep = after.indexOf(SLEEP);
        assertTrue(firstSleep >= 0 && firstSleep <= 2, "the slowdown is seen within two calls: " + after);
        assertEquals(SLEEP, chooser.kept(), after.toString());
        // and once the machine is idle again, a later probe finds spinning faster
        drive(chooser, 20, 3.0, 2.7);
        assertEquals(SPIN, chooser.kept());
    }

    @Test
    void competitionForTheCoresMakesItSleepAtOnceAndTimeBothWaysAfresh() {
        AdaptiveThreadWait chooser = new AdaptiveThreadWait();
        drive(chooser, 20, 3.0, 2.7);
        assertEquals(SPIN, chooser.kept());
        // another process takes half a core during the next call: no spinning while it lasts, however the times fall
        assertEquals(List.of(SPIN), drive(chooser, 1, 6.0, 2.0, 0.5));
        assertEquals(SLEEP, chooser.kept());
        assertEquals(List.of(SLEEP, SLEEP, SLEEP, SLEEP, SLEEP, SLEEP, SLEEP, SLEEP, SLEEP, SLEEP),
                drive(chooser, 10, 6.0, 2.0, 0.5));
        // a tenth of a core is not competition (the machine's own daemons)
        List<ThreadWait> after = drive(chooser, 2, 3.0, 2.7, 0.1);
        assertEquals(List.of(SLEEP, SPIN), after, "both ways timed afresh once it has gone");
        assertEquals(SPIN, chooser.kept());
        // where the system does not say (a negative time), only the call times count
        AdaptiveThreadWait blind = new AdaptiveThreadWait();
        drive(blind, 6, 3.0, 2.7, -1);
        assertEquals(SPIN, blind.kept());
    }

    @Test
    void aProgramWithLongStepsOnlySleeps() {
        AdaptiveThreadWait chooser = new AdaptiveThreadWait();
        // a 64x64 conv net: 60 ms a step, where spinning would save 2-3% and cost a second arena
        List<ThreadWait> ways = drive(chooser, 40, 60.0, 58.0);
        assertEquals(40, count(ways, SLEEP), ways.toString());
        assertEquals(Map.of(SLEEP, 40), chooser.calls());
        // the threshold: 19 ms a step is short enough to try spinning
        AdaptiveThreadWait shorter = new AdaptiveThreadWait();
        assertEquals(SPIN, drive(shorter, 4, 19.0, 18.0).get(3));
    }

    @Test
    void aSlowerFirstMeasurementCountsAsALosingProbe() {
        AdaptiveThreadWait chooser = new AdaptiveThreadWait();
        drive(chooser, 4, 3.0, 3.3);
        assertEquals(SLEEP, chooser.kept());
        List<ThreadWait> next = drive(chooser, 9, 3.0, 3.3);
        assertEquals(List.of(SLEEP, SLEEP, SLEEP, SLEEP, SLEEP, SLEEP, SLEEP, SLEEP, SPIN), next, "8 kept calls, not 4");
        assertEquals(SLEEP, chooser.kept());
    }

    @Test
    void otherCpuTimeIsTheAllowedCoresBusyTimeAndStealLessThisProcesssOwn(@TempDir Path dir) throws Exception {
        Path machine = dir.resolve("stat");
        Path process = dir.resolve("self-stat");
        // user nice system idle iowait irq softirq steal guest guest_nice; idle, iowait and interrupts are not counted
        Files.writeString(machine, "cpu  1600 9 300 90000 30 11 13 90 0 0\n"
                + "cpu0 500 2 100 45000 15 5 6 35 0 0\ncpu1 400 3 90 45000 15 6 7 30 0 0\ncpu2 700 4 110 0 0 0 0 25 0 0\n"
                + "intr 1\n");
        // a command name holding spaces and a parenthesis; utime 300 (field 14), stime 40 (field 15)
        Files.writeString(process, "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 300 40 0 0 20 0 31 0 5 1 2\n");
        assertEquals(1600 + 9 + 300 + 90 - 300 - 40, new OtherCpuTime(machine, process, null).ticks(), "all cores");
        BitSet zeroAndTwo = new BitSet();
        zeroAndTwo.set(0);
        zeroAndTwo.set(2);
        assertEquals((500 + 2 + 100 + 35) + (700 + 4 + 110 + 25) - 300 - 40,
                new OtherCpuTime(machine, process, zeroAndTwo).ticks(), "a job's cores only");
        Files.writeString(machine, "intr 1\n");
        assertEquals(-1, new OtherCpuTime(machine, process, null).ticks(), "not a /proc/stat");
        assertEquals(-1, new OtherCpuTime(dir.resolve("absent"), process, null).ticks(), "no /proc");
        // this machine's, where there is one, reads as a count
        OtherCpuTime.ofThisMachine().ifPresent(real -> assertTrue(real.ticks() >= 0));
    }

    @Test
    void theAllowedCoresAreReadFromTheStatusList(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nCpus_allowed:\t3f\nCpus_allowed_list:\t0-3,8,10-11\nMems_allowed:\t1\n");
        BitSet expected = new BitSet();
        expected.set(0, 4);
        expected.set(8);
        expected.set(10, 12);
        assertEquals(expected, OtherCpuTime.allowedCores(status));
        Files.writeString(status, "Name:\tjava\n");
        assertEquals(null, OtherCpuTime.allowedCores(status), "not said: all cores count");
        Files.writeString(status, "Cpus_allowed_list:\tzero\n");
        assertEquals(null, OtherCpuTime.allowedCores(status), "not readable: all cores count");
    }

    @Test
    void theSwitchTakesAutoZeroOrOne() {
        SystemProperties.run(OrtEngine.ALLOW_SPINNING_PROPERTY, "sometimes", () -> {
            VaelabException e = assertThrows(VaelabException.class, () -> new OrtEngine(1, true));
            assertEquals("-Dvaelab.ort.allowSpinning must be auto, 0 or 1, got sometimes (set in VAELAB_JAVA_OPTS)",
                    e.getMessage());
        });
        assertTrue(SystemProperties.call(OrtEngine.ALLOW_SPINNING_PROPERTY, "auto", () -> new OrtEngine(2, true)).adaptsThreadWait());
        assertTrue(new OrtEngine(2, true).adaptsThreadWait(), "auto is the default");
        assertFalse(new OrtEngine(1, true).adaptsThreadWait(), "one thread has no other to wait: one session");
        assertEquals(SLEEP, new OrtEngine(1, true).threadWait());
        OrtEngine sleeping = SystemProperties.call(OrtEngine.ALLOW_SPINNING_PROPERTY, "0", () -> new OrtEngine(1, true));
        assertFalse(sleeping.adaptsThreadWait());
        assertEquals(SLEEP, sleeping.threadWait());
        assertEquals(SPIN, SystemProperties.call(OrtEngine.ALLOW_SPINNING_PROPERTY, "1", () -> new OrtEngine(1, true)).threadWait());
    }

    /** A 64×512·512×512 layer with ReLU, large enough that ORT shares its products and Adam's update between two threads. */
    private static TrainingProgramBuilder.StepOutputs wideLayer(TrainingProgramBuilder.StepContext ctx) {
        Graph g = ctx.graph();
        Tensor x = ctx.stepInput("x", DType.FLOAT, Shape.of(64, 512));
        Tensor w = ctx.parameters().parameter("w", Shape.of(512, 512), Initializer.uniform(0.05));
        Tensor b = ctx.parameters().parameter("b", Shape.of(512), Initializer.uniform(0.05));
        Tensor loss = g.mul(g.sumAll(g.square(g.sub(g.relu(g.linear(x, w, b)), x))), 1.0 / 64);
        return new TrainingProgramBuilder.StepOutputs(loss, Map.of());
    }

    /** The losses of 10 calls of 3 steps and the state after them, with {@code -Dvaelab.ort.allowSpinning=value}. */
    private static Map<String, float[]> train(String value, Map<ThreadWait, Integer> callsPerWay) {
        return SystemProperties.call(OrtEngine.ALLOW_SPINNING_PROPERTY, value, () -> {
            OrtEngine engine = new OrtEngine(2, true);
            TrainingProgram program = TrainingProgramBuilder.build(ThreadWaitTest::wideLayer, Adam.pytorchDefaults(),
                    engine.updatesInPlace());
            // by time alone: a busy test machine must not keep it from using both ways
            try (TrainingSession session = new TrainingSession(engine, program, 3, Optional::empty)) {
                session.initialize(new SplittableRandom(4));
                Random random = new Random(8);
                Map<String, float[]> out = new LinkedHashMap<>();
                for (int call = 0; call < 10; call++) {
                    FloatBuffer chunk = session.chunk("x");
                    for (int i = 0; i < 3 * 64 * 512; i++) {
                        chunk.put((float) random.nextGaussian());
                    }
                    out.put("loss " + call, session.run(3, new float[] {0.01f, 0.01f, 0.01f}).get("loss"));
                }
                out.putAll(session.snapshot());
                callsPerWay.putAll(session.callsPerThreadWait());
                return out;
            }
        });
    }

    @Test
    void aSessionSwitchingBetweenItsWaysTrainsTheSameNumbersAsOneThatSleeps() {
        Map<ThreadWait, Integer> adaptive = new LinkedHashMap<>();
        Map<String, float[]> switching = train("auto", adaptive);
        Map<ThreadWait, Integer> fixed = new LinkedHashMap<>();
        Map<String, float[]> sleeping = train("0", fixed);
        assertTrue(adaptive.getOrDefault(SLEEP, 0) >= 2 && adaptive.getOrDefault(SPIN, 0) >= 2, adaptive.toString());
        assertEquals(10, adaptive.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(Map.of(), fixed, "a session of a fixed way does not choose");
        assertEquals(sleeping.keySet(), switching.keySet());
        sleeping.forEach((name, values) -> assertArrayEquals(values, switching.get(name), name));
        assertTrue(sleeping.get("loss 9")[2] < sleeping.get("loss 0")[0], "it trains");
    }
}
