package dev.vaelab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OverrideTest {
    private static final String FILE = "experiments/x.yaml";
    private static final SourceLocation ORIGIN = new SourceLocation("<sweep>", 1, 1);

    private static ConfigMap base() {
        return ConfigLoader.parse("""
                name: a
                beta: {type: linear, start: 0.0, end: 4.0}
                model:
                  type: vae
                  latent_dim: 10
                tracking:
                """, FILE);
    }

    @Test
    void replacesAValueAndLeavesTheOriginalAlone() {
        ConfigMap original = base();
        ConfigMap overridden = original.withOverride("beta.end", "16", ORIGIN);
        ConfigMap beta = overridden.map("beta");
        assertEquals(16.0, beta.number("end"));
        assertEquals(ORIGIN, beta.locationOf("end"));
        assertEquals(0.0, beta.number("start"));
        assertEquals(new SourceLocation(FILE, 2, 29), beta.locationOf("start"));
        assertEquals(4.0, original.map("beta").number("end"));
        assertEquals(List.copyOf(original.flatten().keySet()), List.copyOf(overridden.flatten().keySet()));
    }

    @Test
    void valueIsParsedAsAScalarOrFlowSequence() {
        ConfigMap root = base().withOverride("model.hidden", "[512, 256]", ORIGIN)
                .withOverride("name", "'10'", ORIGIN);
        assertEquals(List.of(512, 256), root.map("model").intList("hidden"));
        assertEquals("model.hidden[1]", ((ConfigList) root.map("model").node("hidden").orElseThrow())
                .elements().get(1).path());
        var e = assertThrows(ConfigException.class, () -> root.integer("name"));
        assertEquals(ORIGIN, e.location());
    }

    @Test
    void wrongTypeInAnOverrideIsReportedAtTheOverride() {
        ConfigMap root = base().withOverride("model.latent_dim", "ten", ORIGIN);
        var e = assertThrows(ConfigException.class, () -> root.map("model").integer("latent_dim"));
        assertEquals("<sweep>:1:1: 'latent_dim' in 'model' must be an integer, got 'ten'", e.getMessage());
    }

    @Test
    void unknownKeyFailsAtFinishNamingTheOverride() {
        ConfigMap root = base().withOverride("model.latnt_dim", "2", ORIGIN);
        ConfigMap model = root.map("model");
        model.string("type");
        model.integer("latent_dim");
        var e = assertThrows(ConfigException.class, model::finish);
        assertEquals(ORIGIN, e.location());
        assertEquals("<sweep>:1:1: unknown key 'latnt_dim' in 'model'; allowed keys: latent_dim, type"
                + " (did you mean 'latent_dim'?)", e.getMessage());
    }

    @Test
    void missingMapsAreCreatedAtTheOverride() {
        ConfigMap root = base().withOverride("eval.iw_samples", "100", ORIGIN)
                .withOverride("tracking.experiment", "x", ORIGIN);
        ConfigMap eval = root.map("eval");
        assertEquals(ORIGIN, eval.location());
        assertEquals("eval.iw_samples", eval.node("iw_samples").orElseThrow().path());
        assertEquals(100, eval.integer("iw_samples"));
        assertEquals("x", root.map("tracking").string("experiment"));
    }

    @Test
    void unknownSectionFailsAtTheOverride() {
        ConfigMap root = base().withOverride("evl.iw_samples", "100", ORIGIN);
        var e = assertThrows(ConfigException.class,
                () -> root.allowOnly(List.of("name", "beta", "model", "tracking", "eval")));
        assertEquals("<sweep>:1:1: unknown top-level key 'evl'; allowed keys: beta, eval, model, name, tracking"
                + " (did you mean 'eval'?)", e.getMessage());
    }

    @Test
    void cannotDescendIntoAScalar() {
        var e = assertThrows(ConfigException.class, () -> base().withOverride("name.x", "1", ORIGIN));
        assertEquals("<sweep>:1:1: cannot override 'name.x': 'name' is 'a' (at experiments/x.yaml:1:7), not a map",
                e.getMessage());
        var empty = assertThrows(ConfigException.class, () -> base().withOverride("beta..end", "1", ORIGIN));
        assertEquals(ORIGIN, empty.location());
    }

    @Test
    void badValueTextIsReportedAtTheOrigin() {
        var e = assertThrows(ConfigException.class, () -> base().withOverride("beta.end", "[1, 2", ORIGIN));
        assertEquals(ORIGIN, e.location());
        assertTrue(e.getMessage().startsWith("<sweep>:1:1: override of 'beta.end': YAML syntax error"),
                e.getMessage());
        var block = assertThrows(ConfigException.class, () -> base().withOverride("beta", "a: 1", ORIGIN));
        assertEquals("<sweep>:1:1: override of 'beta': 'a: 1' is not a single value; write maps in braces,"
                + " e.g. {a: 1}", block.getMessage());
    }

    @Test
    void nodeValuesKeepTheirOwnLocation() {
        ConfigMap sweep = ConfigLoader.parse("parameters:\n  beta.end: [1, 4, 16]\n", "experiments/sweep.yaml");
        ConfigList values = (ConfigList) sweep.map("parameters").node("beta.end").orElseThrow();
        ConfigMap run = base().withOverride("beta.end", values.elements().get(1));
        assertEquals(4.0, run.map("beta").number("end"));
        assertEquals(new SourceLocation("experiments/sweep.yaml", 2, 17), run.map("beta").locationOf("end"));
        assertEquals("beta.end", run.map("beta").node("end").orElseThrow().path());
    }
}
