package dev.vaelab.core.stop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ProcessStop} with a fake signal trap and fake ways to halt and exit; the real signals are tested end to end in the CLI. */
class ProcessStopTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<String> ends = new LinkedBlockingQueue<>();
    private ProcessStop.SignalHandler handler;

    private final ProcessStop.Trap trap = (signals, h) -> {
        events.add("install " + new java.util.TreeMap<>(signals));
        handler = h;
        return () -> events.add("restore");
    };

    private ProcessStop stop(Duration grace) {
        return new ProcessStop(grace, trap, code -> ends.add("halt " + code), code -> ends.add("exit " + code));
    }

    @Test
    void withNoRunOpenAStopExitsTheJvmsWayAndTouchesNoSignal() throws Exception {
        ProcessStop stop = stop(Duration.ofMillis(10));
        stop.request(143, "the sweep process 7 ending");
        assertEquals("exit 143", ends.poll(5, TimeUnit.SECONDS));
        assertFalse(stop.requested(), "nothing to record");
        assertEquals(List.of(), events);
    }

    @Test
    void aSignalWhileARunIsOpenRecordsTheStopFirstThenHaltsAfterTheGrace() throws Exception {
        ProcessStop stop = stop(Duration.ofMillis(300));
        try (ProcessStop.Scope scope = stop.open(s -> events.add("recorded " + s))) {
            assertEquals(List.of("install {HUP=1, INT=2, TERM=15}"), events);
            long start = System.nanoTime();
            handler.handle("TERM", 15);
            assertEquals(new StopRequest.Stop(143, "SIGTERM"), stop.stop().orElseThrow());
            assertEquals("recorded Stop[exitCode=143, reason=SIGTERM]", events.get(1), "recorded on the signal's thread");
            assertEquals(List.of(), List.copyOf(ends), "the process gets its grace to leave the engine and exit");
            assertEquals("halt 143", ends.poll(5, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "halted only after the grace");
        }
        assertEquals("restore", events.get(events.size() - 1));
    }

    @Test
    void aSecondSignalHaltsAtOnceWithTheFirstsCode() throws Exception {
        ProcessStop stop = stop(Duration.ofSeconds(60));
        try (ProcessStop.Scope scope = stop.open(s -> events.add("recorded " + s.reason()))) {
            handler.handle("INT", 2);
            handler.handle("TERM", 15);
            assertEquals("halt 130", ends.poll(5, TimeUnit.SECONDS));
            assertEquals(List.of("recorded SIGINT"), events.subList(1, events.size()), "recorded once");
        }
    }

    @Test
    void anActionThatFailsNeitherStopsTheOthersNorTheHalt() throws Exception {
        ProcessStop stop = stop(Duration.ofMillis(10));
        try (ProcessStop.Scope failing = stop.open(s -> {
            throw new IllegalStateException("disk full");
        }); ProcessStop.Scope recording = stop.open(s -> events.add("recorded"))) {
            assertEquals(1, events.stream().filter(e -> e.startsWith("install")).count(), "installed once for both");
            stop.request(129, "SIGHUP");
            assertTrue(events.contains("recorded"), events.toString());
            assertEquals("halt 129", ends.poll(5, TimeUnit.SECONDS));
        }
        assertEquals(1, events.stream().filter(e -> e.equals("restore")).count(), "restored once, with the last scope");
    }

    @Test
    void theSignalsAreGivenBackWhenTheRunEnds() {
        ProcessStop stop = stop(Duration.ofMillis(10));
        ProcessStop.Scope scope = stop.open(s -> events.add("recorded"));
        scope.close();
        scope.close();
        assertEquals(List.of("install {HUP=1, INT=2, TERM=15}", "restore"), events);
        assertFalse(stop.requested());
        stop.request(143, "SIGTERM");
        assertEquals(List.of("exit 143"), List.copyOf(ends), "after the run, the JVM's way again");
    }

    @Test
    void theRealTrapTakesOverASignalAndGivesItBack() throws Exception {
        // SIGWINCH: unused by the JVM and ignored by default, so the test JVM survives it either way
        LinkedBlockingQueue<String> caught = new LinkedBlockingQueue<>();
        Runnable restore = new SignalTrap().install(Map.of("WINCH", 28), (name, number) -> caught.add(name + " " + number));
        signalSelf("WINCH");
        assertEquals("WINCH 28", caught.poll(10, TimeUnit.SECONDS));
        restore.run();
        signalSelf("WINCH");
        assertEquals(null, caught.poll(500, TimeUnit.MILLISECONDS), "given back: the handler no longer runs");
    }

    private static void signalSelf(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(ProcessHandle.current().pid())).start();
        assertEquals(0, kill.waitFor());
    }
}
