package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code ./vaelab} launcher passes Maven's output on without the colour codes Maven 3.8 prints in batch mode. */
class LauncherScriptTest {
    private static final Path SCRIPT = Path.of("../../vaelab");

    @Test
    void mavenOutputReachesTheUserWithoutEscapeCodes() throws Exception {
        assumeTrue(Files.isRegularFile(SCRIPT), "the launcher is not at " + SCRIPT.toAbsolutePath());
        // the script's own filter, taken from it, on what 'mvn -q -B' printed around an error
        String input = "\u001b[0m\u001b[0m\n\u001b[1;31m[ERROR]\u001b[m Failed to compile\n\u001b[0m\n";
        Process bash = new ProcessBuilder("bash", "-c", "source <(sed -n '/^plain()/,/^}/p' \"$0\") && plain",
                SCRIPT.toString()).start();
        bash.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        bash.getOutputStream().close();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(bash.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), new String(bash.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("[ERROR] Failed to compile\n", out);
    }
}
