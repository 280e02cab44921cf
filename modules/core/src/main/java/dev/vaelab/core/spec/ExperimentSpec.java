package dev.vaelab.core.spec;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One experiment file, its top level validated: the sections whose keys depend on a chosen
 * {@code type} as {@link ComponentSpec}s for their factories to finish, the sections owned by other
 * modules as raw maps for those modules to parse (Airlift-style: {@code train}, {@code eval} and
 * {@code log} by train, {@code export} by export, {@code tracking} by tracking; every one is
 * parsed before a run starts), and the tree itself (for the resolved config and the flattened run
 * parameters). Core keeps only the YAML machinery.
 *
 * @param name names the results directory: letters, digits, {@code -}, {@code _} and {@code .}
 * @param seed the seed of every random stream of the run (default 0)
 * @param data the {@code data:} section, read by the data module (its provider registry chooses the
 *     dataset and validates the keys)
 * @param model the model's architecture ({@code vae}, {@code cvae}, ...) with its encoder and decoder
 * @param likelihood the likelihood head
 * @param objective the {@code objective:} section, read by the objective its type names; absent in
 *     files that choose the objective by model type and {@code beta:}
 * @param beta the top-level β schedule of files without an {@code objective:} section (default
 *     {@code {type: constant, value: 1.0}}, the plain ELBO); absent when there is one, whose
 *     objective holds its own schedules
 * @param train the {@code train:} section, for train's {@code TrainSpec}
 * @param eval the {@code eval:} section ({@code {}} when absent), for train's {@code EvalSpec}
 * @param log the {@code log:} section ({@code {}} when absent), for train's {@code LogSpec}
 * @param export the {@code export:} section ({@code {}} when absent), for export's {@code ExportSpec}
 * @param tracking the {@code tracking:} section ({@code {}} when absent), for tracking's {@code TrackingSpec}
 * @param sweep the {@code sweep:} section, not yet validated here
 * @param root the whole tree; {@code root.resolved()} is the config as used once factories have read it
 */
public record ExperimentSpec(
        String name,
        long seed,
        ConfigMap data,
        ComponentSpec model,
        ComponentSpec likelihood,
        Optional<ComponentSpec> objective,
        Optional<ComponentSpec> beta,
        ConfigMap train,
        ConfigMap eval,
        ConfigMap log,
        ConfigMap export,
        ConfigMap tracking,
        Optional<ConfigMap> sweep,
        ConfigMap root) {

    /** The β schedule when the file names none: β = 1 throughout. */
    public static final String DEFAULT_BETA = "{type: constant, value: 1.0}";

    private static final List<String> KEYS = List.of("name", "seed", "data", "model", "likelihood", "objective", "beta",
            "train", "eval", "log", "export", "tracking", "sweep");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /** Reads and validates {@code file}. */
    public static ExperimentSpec load(Path file) {
        return parse(ConfigLoader.load(file));
    }

    /**
     * Validates the top level and the fixed sections. Unknown top-level keys are reported first, so a
     * misspelt section reads as a typo rather than as a missing section.
     */
    public static ExperimentSpec parse(ConfigMap root) {
        root.allowOnly(KEYS);
        Optional<ComponentSpec> objective = root.optionalMap("objective").map(ComponentSpec::from);
        if (objective.isPresent() && root.has("beta")) {
            throw root.invalid("beta", "is read only without an 'objective' section; with one, the objective holds "
                    + "its schedules: write it as objective.beta");
        }
        return new ExperimentSpec(
                name(root),
                root.longValue("seed", 0),
                root.map("data"),
                ComponentSpec.read(root, "model"),
                ComponentSpec.read(root, "likelihood"),
                objective,
                objective.isPresent() ? Optional.empty() : Optional.of(ComponentSpec.read(root, "beta", DEFAULT_BETA)),
                root.map("train"),
                root.map("eval", "{}"),
                root.map("log", "{}"),
                root.map("export", "{}"),
                root.map("tracking", "{}"),
                root.optionalMap("sweep"),
                root);
    }

    private static String name(ConfigMap root) {
        String name = root.string("name");
        // It becomes a directory name, so no separators and no "." or "..".
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw root.invalid("name", "must be letters, digits, '-', '_' and '.' (it names a directory), got '"
                    + name + "'");
        }
        return name;
    }
}
