package dev.vaelab.sweep;

import dev.vaelab.core.config.ConfigNode;
import dev.vaelab.core.random.RandomStreams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a sweep into the values of each run: grid search takes the cartesian product of the
 * parameters' lists (the first parameter varies slowest, like nested loops in written order),
 * random search draws {@code run_cap} runs. A draw depends only on the sweep's seed, the run's
 * index and the parameter's key, so adding a parameter leaves the other parameters' draws alone.
 */
public final class SweepExpander {
    private SweepExpander() {
    }

    /** The assignments in run order; one empty assignment when nothing is swept. */
    public static List<Assignment> expand(SweepSpec spec) {
        List<Assignment> runs = spec.random() ? random(spec) : grid(spec);
        return spec.runCap() > 0 && runs.size() > spec.runCap() ? List.copyOf(runs.subList(0, spec.runCap())) : runs;
    }

    private static List<Assignment> grid(SweepSpec spec) {
        List<Map<String, ConfigNode>> partial = new ArrayList<>();
        partial.add(new LinkedHashMap<>());
        for (SweepParameter p : spec.parameters()) {
            // validated by SweepSpec: grid parameters are lists
            List<ConfigNode> values = ((Domain.Values) p.domain()).values();
            List<Map<String, ConfigNode>> next = new ArrayList<>(partial.size() * values.size());
            for (Map<String, ConfigNode> prefix : partial) {
                for (ConfigNode value : values) {
                    Map<String, ConfigNode> extended = new LinkedHashMap<>(prefix);
                    extended.put(p.key(), value);
                    next.add(extended);
                }
            }
            partial = next;
        }
        return partial.stream().map(Assignment::new).toList();
    }

    private static List<Assignment> random(SweepSpec spec) {
        RandomStreams streams = new RandomStreams(spec.samplingSeed());
        List<Assignment> runs = new ArrayList<>(spec.runCap());
        for (int run = 0; run < spec.runCap(); run++) {
            Map<String, ConfigNode> values = new LinkedHashMap<>();
            for (SweepParameter p : spec.parameters()) {
                values.put(p.key(), p.domain().sample(streams.stream("sweep/" + p.key(), run)));
            }
            runs.add(new Assignment(values));
        }
        return runs;
    }
}
