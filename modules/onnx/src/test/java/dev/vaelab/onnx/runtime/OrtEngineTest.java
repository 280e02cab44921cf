package dev.vaelab.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's sessions flush denormal floats to zero by default, and its switches refuse other values. */
class OrtEngineTest {
    @Test
    void productsBelowTheSmallestNormalFloatAreFlushedToZeroUnlessSwitchedOff() throws Exception {
        // each in a JVM of its own: ORT applies the setting to the thread that creates a process's first session
        assertEquals("normal kept denormal 0.0 flushed 4095/4095", probe());
        assertEquals("normal kept denormal 1.0E-40 flushed 0/4095", probe("-D" + OrtEngine.DENORMAL_AS_ZERO_PROPERTY + "=0"));
    }

    private static String probe(String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DenormalProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void aSwitchTakesZeroOrOne() {
        String before = System.getProperty(OrtEngine.DENORMAL_AS_ZERO_PROPERTY);
        System.setProperty(OrtEngine.DENORMAL_AS_ZERO_PROPERTY, "yes");
        try {
            VaelabException e = assertThrows(VaelabException.class, () -> new OrtEngine(1, true));
            assertEquals("-Dvaelab.ort.denormalAsZero must be 0 or 1, got yes (set in VAELAB_JAVA_OPTS)", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(OrtEngine.DENORMAL_AS_ZERO_PROPERTY);
            } else {
                System.setProperty(OrtEngine.DENORMAL_AS_ZERO_PROPERTY, before);
            }
        }
    }
}
