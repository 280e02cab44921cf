package dev.vaelab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigMapTest {
    private static final String FILE = "experiments/x.yaml";

    private static ConfigMap parse(String text) {
        return ConfigLoader.parse(text, FILE);
    }

    @Test
    void typedGettersReadValues() {
        ConfigMap m = parse("""
                s: mnist
                i: 10
                l: 12345678901
                f1: 1.0e-3
                f2: 1e-3
                f3: 4
                b: false
                ints: [400, 200]
                doubles: [0.5, 1]
                strings: [a, b]
                """);
        assertEquals("mnist", m.string("s"));
        assertEquals(10, m.integer("i"));
        assertEquals(12345678901L, m.longValue("l"));
        assertEquals(1.0e-3, m.number("f1"));
        assertEquals(1.0e-3, m.number("f2"));
        assertEquals(4.0, m.number("f3"));
        assertFalse(m.bool("b", true));
        assertEquals(List.of(400, 200), m.intList("ints"));
        assertEquals(List.of(0.5, 1.0), m.doubleList("doubles"));
        assertEquals(List.of("a", "b"), m.stringList("strings"));
        m.finish();
    }

    @Test
    void wrongScalarTypeIsReportedAtTheValue() {
        ConfigMap model = parse("""
                model:
                  type: vae
                  latent_dim: ten
                """).map("model");
        var e = assertThrows(ConfigException.class, () -> model.integer("latent_dim"));
        assertEquals(new SourceLocation(FILE, 3, 15), e.location());
        assertEquals("experiments/x.yaml:3:15: 'latent_dim' in 'model' must be an integer, got 'ten'", e.getMessage());
    }

    @Test
    void quotedNumberIsAString() {
        ConfigMap m = parse("epochs: '20'\n");
        var e = assertThrows(ConfigException.class, () -> m.integer("epochs"));
        assertEquals("experiments/x.yaml:1:9: 'epochs' must be an integer, got '20' (quoted, so a string;"
                + " remove the quotes)", e.getMessage());
    }

    @Test
    void integerOutOfRange() {
        ConfigMap m = parse("n: 3000000000\n");
        var e = assertThrows(ConfigException.class, () -> m.integer("n"));
        assertEquals("experiments/x.yaml:1:4: 'n' must be an integer from -2147483648 to 2147483647, got 3000000000",
                e.getMessage());
    }

    @Test
    void listElementErrorsNameTheElement() {
        ConfigMap m = parse("hidden: [400, x]\n");
        var e = assertThrows(ConfigException.class, () -> m.intList("hidden"));
        assertEquals("experiments/x.yaml:1:15: element 1 of 'hidden' must be an integer, got 'x'", e.getMessage());
        var notList = assertThrows(ConfigException.class, () -> parse("hidden: 400\n").intList("hidden"));
        assertEquals("experiments/x.yaml:1:9: 'hidden' must be a list of integers, got '400'", notList.getMessage());
    }

    @Test
    void missingRequiredKeyIsReportedAtTheMap() {
        ConfigMap model = parse("""
                name: a
                model:
                  type: vae
                """).map("model");
        var e = assertThrows(ConfigException.class, () -> model.integer("latent_dim"));
        assertEquals("experiments/x.yaml:3:3: missing required key 'latent_dim' in 'model'", e.getMessage());
        var top = assertThrows(ConfigException.class, () -> parse("seed: 1\n").string("name"));
        assertEquals("experiments/x.yaml:1:1: missing required top-level key 'name'", top.getMessage());
    }

    @Test
    void choiceListsAllowedValuesAndSuggests() {
        ConfigMap data = parse("data: {dataset: mnist, binarize: dynamc}\n").map("data");
        var e = assertThrows(ConfigException.class,
                () -> data.choice("binarize", Set.of("none", "static", "dynamic"), "none"));
        assertEquals(new SourceLocation(FILE, 1, 34), e.location());
        assertEquals("experiments/x.yaml:1:34: 'binarize' in 'data' must be one of dynamic, none, static,"
                + " got 'dynamc' (did you mean 'dynamic'?)", e.getMessage());
    }

    @Test
    void finishRejectsUnknownKeysListingEverythingAskedFor() {
        ConfigMap model = parse("""
                model:
                  type: vae
                  latnt_dim: 10
                  encoder: {type: mlp}
                """).map("model");
        model.string("type");
        model.integer("latent_dim", 16); // absent, still allowed
        model.map("encoder");
        model.optionalMap("decoder");
        var e = assertThrows(ConfigException.class, model::finish);
        assertEquals(new SourceLocation(FILE, 3, 3), e.location());
        assertEquals("experiments/x.yaml:3:3: unknown key 'latnt_dim' in 'model'; allowed keys: decoder, encoder,"
                + " latent_dim, type (did you mean 'latent_dim'?)", e.getMessage());
    }

    @Test
    void finishPassesWhenEveryKeyWasRead() {
        ConfigMap m = parse("a: 1\nb: x\n");
        m.integer("a");
        assertThrows(ConfigException.class, m::finish);
        m.string("b");
        m.finish();
    }

    @Test
    void hasDoesNotAllowAKey() {
        ConfigMap m = parse("a: 1\nb:\n");
        assertTrue(m.has("a"));
        assertFalse(m.has("b"));
        assertFalse(m.has("c"));
        var e = assertThrows(ConfigException.class, m::finish);
        assertEquals("experiments/x.yaml:1:1: unknown top-level key 'a'; allowed keys: (none)", e.getMessage());
    }

    @Test
    void allowOnlyChecksBeforeReading() {
        ConfigMap train = parse("train: {epoch: 20}\n").map("train");
        var e = assertThrows(ConfigException.class, () -> train.allowOnly(List.of("epochs", "batch_size")));
        assertEquals("experiments/x.yaml:1:9: unknown key 'epoch' in 'train'; allowed keys: batch_size, epochs"
                + " (did you mean 'epochs'?)", e.getMessage());
    }

    @Test
    void rangeHelpers() {
        ConfigMap m = parse("epochs: 0\nlr: -1\nthreads: -2\n");
        assertEquals("experiments/x.yaml:1:9: 'epochs' must be at least 1, got 0",
                assertThrows(ConfigException.class, () -> m.positiveInt("epochs")).getMessage());
        assertEquals("experiments/x.yaml:2:5: 'lr' must be greater than 0, got -1.0",
                assertThrows(ConfigException.class, () -> m.positiveNumber("lr")).getMessage());
        assertEquals("experiments/x.yaml:3:10: 'threads' must be at least 0, got -2",
                assertThrows(ConfigException.class, () -> m.intAtLeast("threads", 0, 0)).getMessage());
    }

    @Test
    void nullValueMeansAbsent() {
        ConfigMap m = parse("batch_size:\ntracking: ~\n");
        assertEquals(128, m.integer("batch_size", 128));
        assertEquals(Optional.empty(), m.optionalMap("tracking"));
        assertEquals("128", m.resolved().flatten().get("batch_size"));
    }

    @Test
    void resolvedFillsInDefaultsAfterWrittenKeys() {
        ConfigMap root = parse("""
                name: a
                train: {epochs: 20}
                """);
        root.string("name");
        root.number("lr", 1.0e-3);
        ConfigMap train = root.map("train");
        train.integer("epochs");
        train.integer("batch_size", 128);
        train.intList("hidden", List.of(400, 200));
        train.stringList("tags", List.of("x", "10"));
        ConfigMap optimizer = train.map("optimizer", "{type: adam, lr: 1.0e-3}");
        optimizer.string("type");
        optimizer.number("beta1", 0.9);
        root.bool("export", true);
        root.string("mode", "true"); // a string that looks like a boolean

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("name", "a");
        expected.put("train.epochs", "20");
        expected.put("train.batch_size", "128");
        expected.put("train.hidden", "[400, 200]");
        expected.put("train.tags", "[x, 10]");
        expected.put("train.optimizer.type", "adam");
        expected.put("train.optimizer.lr", "1.0e-3");
        expected.put("train.optimizer.beta1", "0.9");
        expected.put("lr", "0.001");
        expected.put("export", "true");
        expected.put("mode", "true");
        ConfigMap resolved = root.resolved();
        assertEquals(expected, resolved.flatten());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(resolved.flatten().keySet()));

        String yaml = resolved.toYaml();
        assertEquals("""
                name: a
                train:
                  epochs: 20
                  batch_size: 128
                  hidden: [400, 200]
                  tags: [x, '10']
                  optimizer:
                    type: adam
                    lr: 1.0e-3
                    beta1: 0.9
                lr: 0.001
                export: true
                mode: 'true'
                """, yaml);
        ConfigMap reparsed = ConfigLoader.parse(yaml, "config.yaml");
        assertEquals(resolved.flatten(), reparsed.flatten());
        assertEquals("true", reparsed.string("mode"));
        assertThrows(ConfigException.class, () -> reparsed.bool("mode"));
    }

    @Test
    void defaultsAreLocatedAtTheirMap() {
        ConfigMap root = parse("name: a\ntrain:\n  epochs: 2\n");
        ConfigMap train = root.map("train");
        ConfigMap optimizer = train.map("optimizer", "{type: adam}");
        assertEquals(new SourceLocation(FILE, 3, 3), optimizer.location());
        assertEquals("train.optimizer", optimizer.path());
        assertEquals(new SourceLocation(FILE, 3, 3), train.locationOf("optimizer"));
    }

    @Test
    void flattenRendersListsNullsAndStructures() {
        ConfigMap m = parse("""
                a: {b: [1, 2], c: ~, e: {}}
                runs:
                  - {seed: 1}
                  - {seed: 2}
                """);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("a.b", "[1, 2]");
        expected.put("a.c", "null");
        expected.put("a.e", "{}");
        expected.put("runs[0].seed", "1");
        expected.put("runs[1].seed", "2");
        assertEquals(expected, m.flatten());
        assertEquals(expected, ConfigLoader.parse(m.toYaml(), "y").flatten());
    }

    @Test
    void toYamlQuotesWhatWouldReadBackDifferently() {
        ConfigMap m = parse("a: '10'\nb: \"x: y #z\"\nc: 'two\n\n  lines'\nd: 1e-3\n");
        String yaml = m.toYaml();
        ConfigMap back = ConfigLoader.parse(yaml, "y");
        assertEquals(m.flatten(), back.flatten());
        assertEquals("two\nlines", back.string("c"));
        assertThrows(ConfigException.class, () -> back.integer("a"));
        assertEquals(1e-3, back.number("d"));
    }

    @Test
    void configExceptionIsAVaelabException() {
        var e = new ConfigException(new SourceLocation("f.yaml", 2, 3), "bad");
        assertTrue(e instanceof dev.vaelab.core.error.VaelabException);
        assertEquals("f.yaml:2:3: bad", e.getMessage());
        assertEquals("bad", e.detail());
    }

    @Test
    void nonDefaultsAreTheValuesThatDifferFromTheDefaultTheirReaderOffered() {
        ConfigMap root = parse("""
                name: x
                seed: 0
                train: {epochs: 5, batch_size: 128, optimizer: {type: adam, lr: 0.01}}
                data: {}
                model: {hidden: [400], latent_dim: 4}
                """);
        root.string("name");
        root.integer("seed", 0);
        ConfigMap train = root.map("train", "{}");
        train.integer("epochs", 20);
        train.integer("batch_size", 128);
        train.integer("threads", 0);
        ConfigMap optimizer = train.map("optimizer", "{type: adam, lr: 1.0e-3}");
        optimizer.string("type");
        optimizer.number("lr");
        root.map("data", "{}").string("dataset", "mnist");
        ConfigMap model = root.map("model");
        model.intList("hidden", List.of(400));
        model.integer("latent_dim");
        root.map("log", "{every_steps: 50}").integer("every_steps");
        // name, latent_dim: required; epochs and lr differ from their defaults; the rest are defaults
        assertEquals(Map.of("name", "x", "train.epochs", "5", "train.optimizer.lr", "0.01", "model.latent_dim", "4"),
                root.flattenNonDefaults());
        assertEquals(List.of("name", "train.epochs", "train.optimizer.lr", "model.latent_dim"),
                List.copyOf(root.flattenNonDefaults().keySet()), "in written order");
        assertTrue(root.resolved().flatten().containsKey("train.threads"), "the resolved config still has every key");
    }
}
