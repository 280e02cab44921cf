package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.data.DataRoot;
import dev.vaelab.tracking.TrackingSpec;
import dev.vaelab.tracking.mlflow.TrackingEnvironment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Flags, then the YAML, then the environment: each setting's precedence, on an injected environment. */
class RunSettingsTest {
    private static final Map<String, String> ENV = Map.of("MLFLOW_TRACKING_URI", "http://env:5000",
            "VAELAB_DATA", "/data/from-env", "HOME", "/home/ada");

    private static RunSettings settings(Map<String, String> env) {
        return new RunSettings(new TrackingEnvironment(env, "ada"));
    }

    private static TrackingSpec yamlUri(String uri) {
        return new TrackingSpec(Optional.empty(), Optional.ofNullable(uri));
    }

    @Test
    void trackingUriIsTheFlagThenTheYamlThenTheEnvironment() {
        RunSettings s = settings(ENV);
        assertEquals(Optional.of("http://flag"), s.trackingUri(Optional.of("http://flag"), yamlUri("http://yaml")));
        assertEquals(Optional.of("http://yaml"), s.trackingUri(Optional.empty(), yamlUri("http://yaml")));
        assertEquals(Optional.of("http://env:5000"), s.trackingUri(Optional.empty(), yamlUri(null)));
        assertEquals(Optional.of("http://env:5000"), s.trackingUri(Optional.of(" "), yamlUri("")), "blank counts as absent");
        assertEquals(Optional.empty(), settings(Map.of()).trackingUri(Optional.empty(), yamlUri(null)));
    }

    @Test
    void dataRootIsTheFlagThenVaelabDataThenTheCache() {
        assertEquals(new DataRoot(Path.of("/flag")), settings(ENV).dataRoot(Optional.of(Path.of("/flag"))));
        assertEquals(new DataRoot(Path.of("/data/from-env")), settings(ENV).dataRoot(Optional.empty()));
        assertEquals(new DataRoot(Path.of("/home/ada/.cache/vaelab/data")),
                settings(Map.of("HOME", "/home/ada")).dataRoot(Optional.empty()));
    }

    @Test
    void threadsAreTheFlagElseTrainThreadsElseEveryCore() {
        int cores = Runtime.getRuntime().availableProcessors();
        var root = dev.vaelab.core.config.ConfigLoader.parse("train: {epochs: 1}\n", "x.yaml");
        assertEquals(1, settings(ENV).threads(1, new TrainSpec(1, 10, (ComponentSpec) null, cores, 0), root));
        assertEquals(cores, settings(ENV).threads(0, new TrainSpec(1, 10, (ComponentSpec) null, cores, 0), root));
        assertEquals(cores, settings(ENV).threads(0, new TrainSpec(1, 10, (ComponentSpec) null, 0, 0), root));
    }

    @Test
    void resultsRootIsTheFlagElseResults() {
        assertEquals(Path.of("out"), settings(ENV).resultsRoot(Optional.of(Path.of("out"))));
        assertEquals(Path.of("results"), settings(ENV).resultsRoot(Optional.empty()));
    }
}
