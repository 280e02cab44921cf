package dev.vaelab.cli.layering;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The repository keeps the layering of ARCHITECTURE.md; a violation fails the build with the offending reference. */
class LayeringTest {
    @Test
    void theModulesKeepTheirOneWayDependencies() {
        // surefire runs in modules/cli
        Path root = Path.of("").toAbsolutePath().getParent().getParent();
        assertTrue(Files.isDirectory(root.resolve("modules/core")) && Files.isRegularFile(root.resolve("pom.xml")),
                "expected the repository root at " + root);
        List<String> violations = new LayeringCheck(root).violations();
        assertTrue(violations.isEmpty(), "layering violations:\n" + String.join("\n", violations));
    }
}
