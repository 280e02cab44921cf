package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlflowNamesTest {
    @TempDir
    Path root;

    @Test
    void keysAreMadeAcceptableAndKeptApart() {
        assertEquals("model.encoder.hidden", MlflowNames.key("model.encoder.hidden"));
        assertEquals("model.layers.0.size", MlflowNames.key("model.layers[0].size"));
        assertEquals("a_b_c", MlflowNames.key("a,b:c"));
        assertEquals("_/x/_", MlflowNames.key("/x/"));
        assertEquals(250, MlflowNames.key("k".repeat(300)).length());
        Map<String, String> in = new LinkedHashMap<>();
        in.put("a:b", "1");
        in.put("a,b", "2");
        in.put("a_b", "3");
        assertEquals(Map.of("a_b", "1", "a_b_2", "2", "a_b_3", "3"), MlflowNames.params(in));
    }

    @Test
    void imagesAreNamedAsMlflowNamesThemAndTheSameEachTime() {
        String stem = MlflowNames.imageStem("samples", 1875, 1735787045678L, "run-1");
        assertTrue(Pattern.matches("images/samples\\+step\\+1875\\+timestamp\\+1735787045678\\+[g-z][0-9a-f-]{35}", stem), stem);
        assertEquals(stem, MlflowNames.imageStem("samples", 1875, 1735787045678L, "run-1"));
        assertNotEquals(stem, MlflowNames.imageStem("samples", 1875, 1735787045678L, "run-2"));
        assertTrue(MlflowNames.imageStem(MlflowNames.gridImageKey("samples"), 1, 2, "r")
                .startsWith("images/grids~samples+step+1+timestamp+2+"), "a / of the key is written ~, as MLflow does");
        for (String bad : List.of("/a", "a/", "a+b", "a%b", "a~b", "")) {
            assertThrows(IllegalArgumentException.class, () -> MlflowNames.imageStem(bad, 1, 1, "r"));
        }
    }

    @Test
    void aParamTooLongForMlflowIsShortenedAndStoredInFullAsAnArtifact() {
        String longValue = "x".repeat(7000);
        String yaml = MlflowTesting.CONFIG + "notes: " + longValue + "\n";
        try (FakeMlflowServer server = FakeMlflowServer.start()) {
            RunStore store = RunStore.create(root, "long", "run", yaml, new MlflowTesting.SteppingClock(MlflowTesting.START),
                    MlflowTesting.ENV);
            try (RunLogger log = new TrackingRunLoggerFactory(MlflowTesting.fast(), MlflowTesting.environment(),
                    line -> { }, new MlflowTesting.SteppingClock(MlflowTesting.START))
                    .open(new RunContext(store, "long", "run", Map.of("notes", longValue, "seed", "0"),
                            Map.of(RunTags.ROLE, "sweep"), Optional.of(server.uri())))) { // a sweep's params
                log.logMetrics(Map.of("train/loss", 1.0), 1);
                log.finish(RunStatus.FINISHED, null);
            }
            FakeMlflowState.Run run = server.state().onlyRun("long", "run");
            String shortened = run.params.get("notes");
            assertTrue(shortened.length() <= 6000, "length " + shortened.length());
            assertTrue(shortened.startsWith("xxxx"));
            assertTrue(shortened.endsWith("the full value is the artifact params/notes.txt]"), shortened);
            assertEquals(longValue, new String(server.state().artifacts(run).get("params/notes.txt"), StandardCharsets.UTF_8));
            assertEquals(Map.of("notes", shortened, "seed", "0"), run.params, "the params the run was opened with");
            assertEquals(List.of(new MetricRow("train/loss", 1.0, 1, run.metrics.get(0).timestamp())), run.metrics);
        }
    }
}
