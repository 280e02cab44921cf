package dev.vaelab.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.onnx.SystemProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's sessions flush denormal floats to zero by default, and its switches refuse other values. */
class OrtEngineTest {
    @Test
    void terminateEndsACallUnderWayAndEveryLaterOne() throws Exception {
        OrtEngine engine = new OrtEngine(1, false);
        dev.vaelab.onnx.graph.Graph g = new dev.vaelab.onnx.graph.Graph(dev.vaelab.onnx.graph.DType.FLOAT);
        var x = g.input("x", dev.vaelab.onnx.graph.DType.FLOAT, dev.vaelab.onnx.graph.Shape.of(1024, 1024));
        var y = x;
        for (int i = 0; i < 400; i++) { // 400 products of 2.1 GFLOP: seconds on any machine, one thread
            y = g.matmul(y, x);
        }
        g.output("y", y);
        float[] values = new float[1024 * 1024];
        java.util.Arrays.fill(values, 1e-3f);
        try (ai.onnxruntime.OrtSession session = engine.session(dev.vaelab.onnx.graph.OnnxModelWriter.toBytes(g,
                dev.vaelab.onnx.graph.OnnxModelWriter.Options.named("long")));
             ai.onnxruntime.OnnxTensor in = engine.tensor(values, 1024, 1024)) {
            java.util.concurrent.CompletableFuture<Void> call = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    engine.run(session, java.util.Map.of("x", in)).close();
                } catch (ai.onnxruntime.OrtException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(300);
            engine.terminate();
            var ended = assertThrows(java.util.concurrent.ExecutionException.class, () -> call.get(60, TimeUnit.SECONDS));
            assertTrue(ended.getCause().getMessage().contains("terminate"), ended.getCause().getMessage());
            var later = assertThrows(ai.onnxruntime.OrtException.class, () -> engine.run(session, java.util.Map.of("x", in)));
            assertTrue(later.getMessage().contains("terminate"), later.getMessage());
        }
    }

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
        for (String property : List.of(OrtEngine.DENORMAL_AS_ZERO_PROPERTY,
                OrtEngine.MEMORY_PATTERN_PROPERTY, OrtEngine.NCHWC_PROPERTY, OrtEngine.FUSED_KERNELS_PROPERTY,
                OrtEngine.IN_PLACE_UPDATES_PROPERTY)) {
            SystemProperties.run(property, "yes", () -> {
                VaelabException e = assertThrows(VaelabException.class, () -> new OrtEngine(1, true));
                assertEquals("-D" + property + " must be 0 or 1, got yes (set in VAELAB_JAVA_OPTS)", e.getMessage());
                System.setProperty(property, "1");
                new OrtEngine(1, true);
                System.setProperty(property, "0");
                new OrtEngine(1, true);
            });
        }
    }
}
