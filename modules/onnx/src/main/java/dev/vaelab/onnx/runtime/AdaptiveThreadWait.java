package dev.vaelab.onnx.runtime;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Chooses, call by call, how a training session's threads wait ({@link ThreadWait}). Spinning wins
 * on idle cores and loses badly on busy ones (bench/README.md, "Spinning threads"), and which holds
 * changes within a run: a sweep's other run starts, a shared node fills up.
 *
 * <p>Where the system says how much CPU time the rest of the machine took ({@link OtherCpuTime}: other
 * processes, and other guests of a hypervisor), a call during which it took {@value #CONTENDED} of a
 * core or more had competition for the cores, and the next calls sleep until one runs without: no
 * spinning is tried against a competing process. Without competition the chooser keeps the way whose
 * recent calls took less time per step and tries the other now and then (the machine's speed moves
 * for reasons no counter shows): after {@value #FIRST_PROBE} calls, then after twice as many each
 * time the other way loses (at most {@value #LONGEST_PROBE}), and at once when the kept way's running
 * mean slows to {@value #SLOWDOWN}× its best since the last probe. Each way's first call (its
 * session's allocations) is not timed.
 *
 * <p>A program whose first timed steps take {@value #LONG_STEP_SECONDS} s or more only ever sleeps:
 * its wake-ups, some microseconds per parallel section, are a few percent of such a step at most
 * (a 64×64 conv net: 2-3%, bench/README.md), less than the second session's memory is worth (its own
 * arena for the step's intermediates, 127 MiB for that net).
 *
 * <p>Only the timing depends on the choice: both ways run the same program on the same state, so
 * their numbers are the same to the bit.
 */
public final class AdaptiveThreadWait {
    static final int FIRST_PROBE = 4;
    static final int LONGEST_PROBE = 64;
    static final double SLOWDOWN = 1.5;
    static final double CONTENDED = 0.25;
    static final double LONG_STEP_SECONDS = 0.02;

    private final Set<ThreadWait> warmedUp = EnumSet.noneOf(ThreadWait.class);
    /**
     * Seconds per step: the kept way's running mean (each call halves the weight of the ones before), the other's last
     * probe; absent until measured.
     */
    private final Map<ThreadWait, Double> recent = new EnumMap<>(ThreadWait.class);
    private final Map<ThreadWait, Integer> calls = new EnumMap<>(ThreadWait.class);
    private ThreadWait kept = ThreadWait.SLEEP;
    private double keptBest = Double.POSITIVE_INFINITY;
    private int probeAfter = FIRST_PROBE;
    private int keptCalls;
    private boolean contended;
    private boolean longSteps;

    /** The way the next call should wait. */
    public ThreadWait next() {
        if (contended || longSteps) {
            return ThreadWait.SLEEP;
        }
        for (ThreadWait way : ThreadWait.values()) {
            if (!warmedUp.contains(way) || !recent.containsKey(way)) {
                return way;
            }
        }
        return keptCalls >= probeAfter ? kept.other() : kept;
    }

    /**
     * Records a call that ran {@code steps} steps waiting {@code way} in {@code nanos}, while the rest
     * of the machine took {@code othersNanos} of CPU time (negative where the system does not say).
     */
    public void record(ThreadWait way, int steps, long nanos, long othersNanos) {
        calls.merge(way, 1, Integer::sum);
        contended = othersNanos >= CONTENDED * nanos;
        if (contended) {
            // sleep while it lasts; after it, both ways are timed afresh (the times before it are another machine's)
            warmedUp.add(way);
            recent.clear();
            kept = ThreadWait.SLEEP;
            keptBest = Double.POSITIVE_INFINITY;
            keptCalls = 0;
            probeAfter = FIRST_PROBE;
            return;
        }
        if (warmedUp.add(way)) {
            return;
        }
        double perStep = nanos / 1e9 / steps;
        boolean firstTimedSleep = way == ThreadWait.SLEEP && !recent.containsKey(way) && !calls.containsKey(ThreadWait.SPIN);
        if (firstTimedSleep && perStep >= LONG_STEP_SECONDS) {
            longSteps = true; // a spinning session is never made
        }
        if (way == kept) {
            Double before = recent.get(way);
            double mean = before == null ? perStep : (before + perStep) / 2;
            recent.put(way, mean);
            keptCalls++;
            keptBest = Math.min(keptBest, mean);
            if (keptCalls >= FIRST_PROBE && mean > SLOWDOWN * keptBest) {
                keptCalls = probeAfter; // the machine changed: try the other way next
            }
            return;
        }
        // a probe of the other way (or its first measurement), against the kept way's recent calls
        recent.put(way, perStep);
        Double keptRecent = recent.get(kept);
        if (keptRecent != null && perStep < keptRecent) {
            kept = way;
            probeAfter = FIRST_PROBE;
        } else if (keptRecent != null) {
            probeAfter = Math.min(2 * probeAfter, LONGEST_PROBE);
        }
        keptBest = recent.getOrDefault(kept, Double.POSITIVE_INFINITY);
        keptCalls = 0;
    }

    /** The way kept now. */
    public ThreadWait kept() {
        return kept;
    }

    /** Calls recorded per way so far. */
    public Map<ThreadWait, Integer> calls() {
        return Map.copyOf(calls);
    }
}
