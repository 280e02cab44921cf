package dev.vaelab.sweep;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.config.ConfigNode;
import dev.vaelab.core.config.SourceLocation;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.train.ExperimentResolver;
import dev.vaelab.train.ResolvedExperiment;
import dev.vaelab.train.RunNames;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands a sweep file into validated runs before anything runs: the base config with the
 * {@code --set} overrides, then for each run its swept values, each resolved and validated exactly
 * as {@code vaelab run} would (every error names the file and line of the offending value, and the
 * run it belongs to). Runs whose resolved configs are equal are one run.
 */
public final class SweepPlanner {
    private final ExperimentResolver resolver;
    private final SweepLaunchers launchers;

    @Inject
    public SweepPlanner(ExperimentResolver resolver, SweepLaunchers launchers) {
        this.resolver = resolver;
        this.launchers = launchers;
    }

    /** Reads {@code file}, applies {@code settings} ({@code key=value}) and plans its runs. */
    public SweepPlan plan(Path file, List<String> settings) {
        ConfigMap root = ConfigLoader.load(file);
        for (String setting : settings) {
            root = apply(root, setting);
        }
        return plan(file, root);
    }

    /** Plans the runs of an already loaded (and overridden) experiment tree. */
    public SweepPlan plan(Path file, ConfigMap root) {
        SweepSpec spec = SweepSpec.of(root, launchers.names());
        List<Assignment> assignments = SweepExpander.expand(spec);
        Map<String, PlannedRun> runs = new LinkedHashMap<>();
        String experiment = null;
        java.util.Optional<String> trackingUri = java.util.Optional.empty();
        int duplicates = 0;
        for (Assignment assignment : assignments) {
            ConfigMap tree = root;
            for (Map.Entry<String, ConfigNode> value : assignment.values().entrySet()) {
                tree = override(tree, value.getKey(), value.getValue(), assignment);
            }
            ResolvedExperiment rx = validate(tree, assignment);
            // Name the run from the text it will run with, as the runner will when it loads that text.
            String configText = RunConfigs.withoutSweep(rx.resolvedYaml());
            ResolvedExperiment run = resolver.resolve(ExperimentSpec.parse(ConfigLoader.parse(configText, file.toString())));
            String name = RunNames.of(run.spec().name(), run.resolvedYaml());
            experiment = run.experimentName();
            trackingUri = run.tracking().uri();
            if (runs.containsKey(name)) {
                duplicates++;
            } else {
                runs.put(name, new PlannedRun(runs.size(), name, assignment.texts(), run.resolvedYaml()));
            }
        }
        return new SweepPlan(file, experiment, spec, List.copyOf(runs.values()), duplicates, root.toYaml(), trackingUri);
    }

    /** Applies one {@code --set key=value} (of a sweep, or of {@code vaelab run}); the value is YAML (a scalar, {@code [..]} or {@code {..}}). */
    public static ConfigMap apply(ConfigMap root, String setting) {
        int eq = setting.indexOf('=');
        if (eq <= 0) {
            throw new VaelabException("--set " + setting + ": expected key=value, e.g. --set train.epochs=5");
        }
        String key = setting.substring(0, eq).strip();
        return root.withOverride(key, setting.substring(eq + 1), new SourceLocation("--set", 1, 1));
    }

    private static ConfigMap override(ConfigMap tree, String key, ConfigNode value, Assignment assignment) {
        try {
            return tree.withOverride(key, value);
        } catch (ConfigException e) {
            throw inRun(e, assignment);
        }
    }

    private ResolvedExperiment validate(ConfigMap tree, Assignment assignment) {
        try {
            return resolver.resolve(ExperimentSpec.parse(tree));
        } catch (ConfigException e) {
            throw inRun(e, assignment);
        }
    }

    /** The error, with the run it comes from when the sweep has parameters. */
    private static ConfigException inRun(ConfigException e, Assignment assignment) {
        if (assignment.values().isEmpty()) {
            return e;
        }
        return new ConfigException(e.location(), e.detail() + " (in the sweep run " + assignment.label() + ")", e);
    }
}
