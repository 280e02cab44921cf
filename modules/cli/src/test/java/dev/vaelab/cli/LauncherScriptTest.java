package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./vaelab} launcher passes Maven's output on without the colour codes Maven 3.8 prints in
 * batch mode, and rebuilds only when what goes into the jar changed.
 */
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

    @Test
    void onlyAChangedMainSourceOrPomRebuildsTheJar(@TempDir Path root) throws Exception {
        assumeTrue(Files.isRegularFile(SCRIPT), "the launcher is not at " + SCRIPT.toAbsolutePath());
        Path jar = write(root.resolve("modules/cli/target/vaelab-cli.jar"), 100);
        write(root.resolve("pom.xml"), 50);
        write(root.resolve("modules/core/pom.xml"), 50);
        Path main = write(root.resolve("modules/core/src/main/java/A.java"), 50);
        Path resource = write(root.resolve("modules/core/src/main/resources/x.properties"), 50);
        Path test = write(root.resolve("modules/core/src/test/java/ATest.java"), 50);
        assertFalse(stale(root, jar), "nothing newer than the jar");
        touch(test, 200);
        assertFalse(stale(root, jar), "a test is not in the jar: it rebuilt at every start");
        touch(main, 200);
        assertTrue(stale(root, jar), "a main source is newer");
        touch(main, 50);
        touch(resource, 200);
        assertTrue(stale(root, jar), "a main resource is newer");
        touch(resource, 50);
        touch(root.resolve("modules/core/pom.xml"), 200);
        assertTrue(stale(root, jar), "a module's pom is newer");
        Files.delete(jar);
        touch(root.resolve("modules/core/pom.xml"), 50);
        assertTrue(stale(root, jar), "no jar yet");
    }

    /** The launcher's own {@code stale} function, taken from it, run on {@code root}. */
    private static boolean stale(Path root, Path jar) throws Exception {
        Process bash = new ProcessBuilder("bash", "-c", "source <(sed -n '/^stale()/,/^}/p' \"$0\") && root=\"$1\" "
                + "jar=\"$2\" && stale", SCRIPT.toString(), root.toString(), jar.toString()).redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(10, TimeUnit.SECONDS));
        assertTrue(bash.exitValue() <= 1, "stale() failed: " + out);
        return bash.exitValue() == 0;
    }

    private static Path write(Path file, long second) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        return touch(file, second);
    }

    private static Path touch(Path file, long second) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_700_000_000L + second)));
        return file;
    }
}
