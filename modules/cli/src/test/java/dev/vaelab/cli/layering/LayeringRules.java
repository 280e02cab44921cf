package dev.vaelab.cli.layering;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one-way dependencies of ARCHITECTURE.md, as data. Module {@code m} is the folder
 * {@code modules/m} and the packages {@code dev.vaelab.m...}; its vaelab dependencies are the
 * {@code vaelab-*} artifacts its pom declares.
 *
 * <ul>
 *   <li>the engine ({@code onnx}) depends on nothing of vaelab but {@code core};</li>
 *   <li>the model side ({@code heads}, {@code zoo}, {@code data}) depends on none of the run side
 *       ({@code train}, {@code tracking}, {@code export}, {@code sweep}, {@code cli});</li>
 *   <li>{@code export} uses of {@code zoo} only what describes a trained model: the graphs
 *       ({@code dev.vaelab.zoo.objective}) and the model's description ({@code zoo.model.VaeModel},
 *       {@code zoo.model.Posterior}). The networks, schedules, model factories and Guice wiring are
 *       zoo's internals: an exporter that reached into them would break with every new layer.</li>
 * </ul>
 */
final class LayeringRules {
    /** The engine's only vaelab dependency: any other module, a future one included, is forbidden to it. */
    static final Set<String> ENGINE_MAY_USE = Set.of("core");

    /** Modules the model side may not depend on. */
    static final Map<String, Set<String>> FORBIDDEN = Map.of(
            "heads", Set.of("train", "tracking", "export", "sweep", "cli"),
            "zoo", Set.of("train", "tracking", "export", "sweep", "cli"),
            "data", Set.of("train", "tracking", "export", "sweep", "cli"));

    /** What export may reference in zoo: whole packages (ending in '.') or single types. */
    static final List<String> ZOO_API_FOR_EXPORT = List.of(
            "dev.vaelab.zoo.objective.",
            "dev.vaelab.zoo.model.VaeModel",
            "dev.vaelab.zoo.model.Posterior");

    private LayeringRules() {
    }

    /** Why {@code from} may not depend on module {@code to}, if it may not. */
    static Optional<String> forbiddenModule(String from, String to) {
        if (from.equals("onnx")) {
            return ENGINE_MAY_USE.contains(to) ? Optional.empty()
                    : Optional.of("the engine (onnx) depends on nothing of vaelab but core");
        }
        if (!FORBIDDEN.getOrDefault(from, Set.of()).contains(to)) {
            return Optional.empty();
        }
        return Optional.of("heads, zoo and data must not depend on train, tracking, export, sweep or cli");
    }

    /** Why {@code from} may not reference the vaelab name {@code reference}, if it may not (beyond the module rule). */
    static Optional<String> forbiddenReference(String from, String reference) {
        if (from.equals("export") && reference.startsWith("dev.vaelab.zoo.")
                && ZOO_API_FOR_EXPORT.stream().noneMatch(api -> api.endsWith(".") ? reference.startsWith(api)
                        : reference.equals(api) || reference.startsWith(api + "."))) {
            return Optional.of("export may use of zoo only its graphs (zoo.objective) and zoo.model.VaeModel/Posterior,"
                    + " not zoo's internals");
        }
        return Optional.empty();
    }
}
