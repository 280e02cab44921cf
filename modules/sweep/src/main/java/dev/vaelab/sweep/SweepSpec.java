package dev.vaelab.sweep;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigList;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.config.ConfigNode;
import dev.vaelab.core.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code sweep:} section of an experiment, validated:
 *
 * <pre>{@code
 * sweep:
 *   method: grid                 # grid (every combination) | random (run_cap draws)
 *   parameters:                  # dotted keys of the experiment
 *     beta.end: [1, 4, 16]                           # a list: grid enumerates it, random picks from it
 *     train.optimizer.lr: {distribution: log_uniform, min: 1.0e-4, max: 1.0e-2}   # random only
 *   run_cap: 20                  # random: how many runs (required); grid: at most this many
 *   seed: 0                      # random: the seed of the draws (default 0)
 *   parallel: 2                  # runs at once (default 1); --parallel overrides
 *   metric: {name: test/elbo, goal: maximize}        # ranks the runs in the summary
 *   launcher: local              # where runs execute (default local)
 *   slurm: {partition: gpu}      # a launcher's own settings, under its name
 * }</pre>
 *
 * Distributions: {@code uniform} and {@code log_uniform} ({@code min}, {@code max}; log_uniform's
 * bounds are the values themselves, as W&B's {@code log_uniform_values}), {@code int_uniform}
 * ({@code min}, {@code max}, both included) and {@code normal} ({@code mu}, {@code sigma}).
 *
 * @param random whether the method is random search
 * @param parameters the swept parameters in written order
 * @param runCap random: the number of draws; grid: the most runs, 0 for all
 * @param samplingSeed the seed of random search's draws
 * @param parallel runs at once
 * @param metric the ranking metric
 * @param launcher the launcher's name and where it is written
 * @param launcherSections each launcher's own section ({@code sweep.slurm}, say), by launcher name
 */
public record SweepSpec(boolean random, List<SweepParameter> parameters, int runCap, long samplingSeed, int parallel,
                        SweepMetric metric, Launch launcher, Map<String, ConfigMap> launcherSections) {

    /** A launcher name and where it was chosen, for the error that lists the known ones. */
    public record Launch(String name, SourceLocation location) {
    }

    public static final String DEFAULT_LAUNCHER = "local";
    private static final List<String> KEYS = List.of("method", "parameters", "run_cap", "seed", "parallel", "metric",
            "launcher");
    /** Keys every run of a sweep shares: they name the experiment and so its one results folder. */
    private static final Set<String> FIXED = Set.of("name", "tracking", "tracking.experiment");

    public SweepSpec {
        parameters = List.copyOf(parameters);
        launcherSections = Map.copyOf(launcherSections);
    }

    /** A spec without launcher sections. */
    public SweepSpec(boolean random, List<SweepParameter> parameters, int runCap, long samplingSeed, int parallel,
                     SweepMetric metric, Launch launcher) {
        this(random, parameters, runCap, samplingSeed, parallel, metric, launcher, Map.of());
    }

    /** The section of launcher {@code name} ({@code sweep.<name>}), if the sweep has one. */
    public Optional<ConfigMap> launcherSection(String name) {
        return Optional.ofNullable(launcherSections.get(name));
    }

    /** The spec of an experiment with no {@code sweep:} section: one run, nothing swept. */
    public static SweepSpec single(SourceLocation location) {
        return new SweepSpec(false, List.of(), 0, 0, 1, SweepMetric.DEFAULT, new Launch(DEFAULT_LAUNCHER, location));
    }

    /** Reads the experiment's {@code sweep:} section, or {@link #single} when it has none; no launcher sections. */
    public static SweepSpec of(ConfigMap root) {
        return of(root, Set.of());
    }

    /**
     * Reads the experiment's {@code sweep:} section, or {@link #single} when it has none; {@code launchers}
     * are the known launchers' names, each of which may have a section of its own.
     */
    public static SweepSpec of(ConfigMap root, Set<String> launchers) {
        Optional<ConfigMap> sweep = root.optionalMap("sweep");
        return sweep.isPresent() ? parse(sweep.get(), launchers) : single(root.location());
    }

    /** Validates a {@code sweep:} section; errors name the file, line and accepted values. */
    public static SweepSpec parse(ConfigMap sweep, Set<String> launchers) {
        List<String> keys = new ArrayList<>(KEYS);
        launchers.stream().sorted().forEach(keys::add);
        sweep.allowOnly(keys);
        boolean random = sweep.choice("method", Set.of("grid", "random"), "grid").equals("random");
        List<SweepParameter> parameters = new ArrayList<>();
        Optional<ConfigMap> written = sweep.optionalMap("parameters");
        if (written.isPresent()) {
            for (ConfigMap.Entry e : written.get().entries()) {
                parameters.add(parameter(e, random));
            }
        }
        int runCap = random ? sweep.positiveInt("run_cap") : sweep.intAtLeast("run_cap", 0, 0);
        long seed = sweep.longValue("seed", 0);
        int parallel = sweep.positiveInt("parallel", 1);
        SweepMetric metric = sweep.optionalMap("metric").map(SweepSpec::metric).orElse(SweepMetric.DEFAULT);
        String launcher = sweep.string("launcher", DEFAULT_LAUNCHER);
        Map<String, ConfigMap> sections = new java.util.TreeMap<>();
        for (String name : launchers) {
            sweep.optionalMap(name).ifPresent(section -> sections.put(name, section));
        }
        return new SweepSpec(random, parameters, runCap, seed, parallel, metric,
                new Launch(launcher, sweep.locationOf("launcher")), sections);
    }

    /** The swept keys in written order. */
    public List<String> keys() {
        return parameters.stream().map(SweepParameter::key).toList();
    }

    private static SweepMetric metric(ConfigMap metric) {
        metric.allowOnly(List.of("name", "goal"));
        String name = metric.string("name");
        String goal = metric.choice("goal", Set.of("maximize", "minimize"));
        return new SweepMetric(name, goal.equals("maximize"));
    }

    private static SweepParameter parameter(ConfigMap.Entry e, boolean random) {
        String key = e.key();
        checkKey(key, e.keyLocation());
        ConfigNode value = e.value();
        if (value instanceof ConfigList list) {
            if (list.elements().isEmpty()) {
                throw new ConfigException(value.location(), "sweep parameter '" + key + "' has no values");
            }
            return new SweepParameter(key, e.keyLocation(), new Domain.Values(list.elements()));
        }
        if (!(value instanceof ConfigMap map)) {
            throw new ConfigException(value.location(), "sweep parameter '" + key + "' must be a list of values such as "
                    + "[1, 4, 16], or a map such as {values: [1, 4]}, {value: 4} or {distribution: uniform, min: 0, max: 1}");
        }
        return new SweepParameter(key, e.keyLocation(), domain(key, map, random));
    }

    private static Domain domain(String key, ConfigMap map, boolean random) {
        if (map.has("distribution")) {
            if (!random) {
                throw new ConfigException(map.locationOf("distribution"), "sweep parameter '" + key
                        + "': a distribution needs 'method: random'; grid search enumerates lists of values");
            }
            return distribution(map);
        }
        if (map.has("values")) {
            map.allowOnly(List.of("values"));
            ConfigNode values = map.node("values").orElseThrow();
            if (!(values instanceof ConfigList list) || list.elements().isEmpty()) {
                throw map.invalid("values", "must be a non-empty list, e.g. [1, 4, 16]");
            }
            return new Domain.Values(list.elements());
        }
        if (map.has("value")) {
            map.allowOnly(List.of("value"));
            return new Domain.Values(List.of(map.node("value").orElseThrow()));
        }
        map.allowOnly(List.of("values", "value", "distribution"));
        throw new ConfigException(map.location(), "sweep parameter '" + key
                + "' needs 'values' (a list), 'value' (one value) or 'distribution' (random search)");
    }

    private static Domain distribution(ConfigMap map) {
        Map<String, List<String>> keys = Map.of("uniform", List.of("min", "max"), "log_uniform", List.of("min", "max"),
                "int_uniform", List.of("min", "max"), "normal", List.of("mu", "sigma"));
        String name = map.choice("distribution", keys.keySet());
        List<String> allowed = new ArrayList<>(keys.get(name));
        allowed.add("distribution");
        map.allowOnly(allowed);
        SourceLocation at = map.locationOf("distribution");
        switch (name) {
            case "normal":
                return new Domain.Normal(map.number("mu"), map.positiveNumber("sigma"), at);
            case "int_uniform": {
                long min = map.longValue("min");
                long max = map.longValue("max");
                if (max < min) {
                    throw map.invalid("max", "must be at least min (" + min + "), got " + max);
                }
                return new Domain.IntUniform(min, max, at);
            }
            default: {
                double min = map.number("min");
                double max = map.number("max");
                if (name.equals("log_uniform") && !(min > 0)) {
                    throw map.invalid("min", "must be greater than 0 for log_uniform, got " + min
                            + " (min and max are the values themselves, not their logarithms)");
                }
                if (!(max > min) || Double.isInfinite(max) || Double.isInfinite(min)) {
                    throw map.invalid("max", "must be finite and greater than min (" + min + "), got " + max);
                }
                return name.equals("uniform") ? new Domain.Uniform(min, max, at) : new Domain.LogUniform(min, max, at);
            }
        }
    }

    private static void checkKey(String key, SourceLocation location) {
        for (String part : key.split("\\.", -1)) {
            if (part.isEmpty()) {
                throw new ConfigException(location, "sweep parameter '" + key + "' has an empty key between dots");
            }
        }
        if (key.equals("sweep") || key.startsWith("sweep.")) {
            throw new ConfigException(location, "sweep parameter '" + key + "' cannot change the sweep itself");
        }
        if (FIXED.contains(key)) {
            throw new ConfigException(location, "sweep parameter '" + key + "' cannot be swept: every run of a sweep "
                    + "shares the experiment's name and results folder");
        }
    }
}
