package dev.vaelab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String FILE = "experiments/x.yaml";

    @Test
    void everyNodeKnowsItsLocationAndPath() {
        ConfigMap root = ConfigLoader.parse("""
                name: a
                model:
                  encoder:
                    hidden: [400, 200]
                """, FILE);
        ConfigMap model = (ConfigMap) root.entries().get(1).value();
        assertEquals(new SourceLocation(FILE, 3, 3), model.location());
        assertEquals("model", model.path());
        ConfigMap encoder = (ConfigMap) model.entries().get(0).value();
        assertEquals(new SourceLocation(FILE, 3, 3), model.entries().get(0).keyLocation());
        ConfigList hidden = (ConfigList) encoder.entries().get(0).value();
        ConfigScalar second = (ConfigScalar) hidden.elements().get(1);
        assertEquals("200", second.text());
        assertEquals("model.encoder.hidden[1]", second.path());
        assertEquals(new SourceLocation(FILE, 4, 19), second.location());
        assertEquals("experiments/x.yaml:4:19", second.location().toString());
    }

    @Test
    void quotedScalarsAreNotPlain() {
        ConfigMap root = ConfigLoader.parse("a: 10\nb: '10'\nc:\n", FILE);
        assertTrue(((ConfigScalar) root.entries().get(0).value()).plain());
        assertFalse(((ConfigScalar) root.entries().get(1).value()).plain());
        assertTrue(((ConfigScalar) root.entries().get(2).value()).isNull());
    }

    @Test
    void duplicateKeyNamesBothLines() {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                name: a
                model:
                  type: vae
                  latent_dim: 10
                  latent_dim: 20
                """, FILE));
        assertEquals(new SourceLocation(FILE, 5, 3), e.location());
        assertEquals("experiments/x.yaml:5:3: duplicate key 'latent_dim' in 'model': first defined at line 4,"
                + " again at line 5", e.getMessage());
    }

    @Test
    void syntaxErrorIsLocated() {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                name: a
                model:
                  type: vae
                 latent_dim: 10
                """, FILE));
        assertEquals(new SourceLocation(FILE, 4, 2), e.location());
        assertTrue(e.getMessage().startsWith("experiments/x.yaml:4:2: YAML syntax error: "), e.getMessage());
    }

    @Test
    void unclosedFlowSequenceIsLocated() {
        var e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("name: a\nhidden: [400, 200\nseed: 0\n", FILE));
        assertEquals(FILE, e.location().file());
        assertEquals(3, e.location().line());
        assertTrue(e.getMessage().contains("YAML syntax error"), e.getMessage());
    }

    @Test
    void rootMustBeAMap() {
        var list = assertThrows(ConfigException.class, () -> ConfigLoader.parse("- a\n- b\n", FILE));
        assertEquals("experiments/x.yaml:1:1: the top level must be a map of keys such as 'name: ...', got a list",
                list.getMessage());
        var empty = assertThrows(ConfigException.class, () -> ConfigLoader.parse("# nothing\n", FILE));
        assertEquals(new SourceLocation(FILE, 1, 1), empty.location());
    }

    @Test
    void nonScalarKeysAreRejected() {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("a: 1\n? [x]\n: 2\n", FILE));
        assertEquals(new SourceLocation(FILE, 2, 3), e.location());
    }

    @Test
    void recursiveAliasIsRejected() {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("a: &x [1, *x]\n", FILE));
        assertTrue(e.getMessage().contains("refers to itself"), e.getMessage());
    }

    @Test
    void loadNamesTheFileAsGiven(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, "name: a\nseed: [1]\n");
        ConfigMap root = ConfigLoader.load(file);
        var e = assertThrows(ConfigException.class, () -> root.integer("seed"));
        assertEquals(new SourceLocation(file.toString(), 2, 7), e.location());
        assertEquals(List.of("name", "seed"), List.copyOf(root.keys()));

        var missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml")));
        assertEquals(dir.resolve("nope.yaml") + ":1:1: no such file", missing.getMessage());
    }
}
