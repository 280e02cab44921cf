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

    @Test
    void aFileAboveTheSizeLimitIsRefusedBeforeItIsParsed(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        // 8 MB of comment took the YAML scanner half a minute; refused at once it takes nothing
        Files.writeString(big, "name: a\n# " + "x".repeat(8 << 20) + "\n");
        long start = System.nanoTime();
        var error = assertThrows(ConfigException.class, () -> ConfigLoader.load(big));
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "took " + (System.nanoTime() - start) / 1e9 + " s");
        assertEquals(big + ":1:1: the file is " + Files.size(big) + " bytes, more than the 1048576 a YAML file may have; "
                + "is it the experiment file?", error.getMessage());
        Path justUnder = dir.resolve("ok.yaml");
        Files.writeString(justUnder, "name: a\n# " + "x".repeat((int) ConfigLoader.MAX_BYTES - 20) + "\n");
        assertEquals("a", ConfigLoader.load(justUnder).string("name"));
    }

    @Test
    void binaryGarbageIsNotATextFileAtItsFirstBadByte(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage.yaml");
        Files.write(garbage, new byte[] {'n', 'a', 'm', 'e', ':', ' ', 'a', '\n', 'b', ':', ' ', (byte) 0xC3, (byte) 0x28});
        var error = assertThrows(ConfigException.class, () -> ConfigLoader.load(garbage));
        assertEquals(garbage + ":2:4: not a text file: this byte is not UTF-8; save the file as UTF-8 text", error.getMessage());
        assertFalse(error.getMessage().contains("java."), error.getMessage());

        Path nul = dir.resolve("nul.yaml");
        Files.write(nul, new byte[] {'a', ':', ' ', 0, '\n'});
        assertEquals(nul + ":1:4: not a text file: it contains a NUL byte",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(nul)).getMessage());

        assertEquals(dir + ":1:1: is a directory; give the experiment's YAML file",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(dir)).getMessage());
        Path unicode = dir.resolve("unicode.yaml");
        Files.writeString(unicode, "name: \u00e9t\u00e9 # \u2603\n");
        assertEquals("\u00e9t\u00e9", ConfigLoader.load(unicode).string("name"));
    }
}
