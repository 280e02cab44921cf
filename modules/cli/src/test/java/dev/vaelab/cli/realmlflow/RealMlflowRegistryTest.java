package dev.vaelab.cli.realmlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaelab.cli.realmlflow.MlflowRest.Run;
import dev.vaelab.tracking.RunStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab register} against the real MLflow server: the version exists, points at the run's
 * logged {@code model/} folder (an MLflow Model directory) and carries the run's key metrics; and
 * MLflow's own Python code, {@code mlflow.onnx.load_model("runs:/<id>/model")}, loads the model,
 * run inside the kit's chroot (with Debian's {@code python3-onnx}) where that is installed.
 */
@ExtendWith(RealMlflow.class)
class RealMlflowRegistryTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        Vaelab.assumeMnist();
    }

    @Test
    void aRegisteredVersionPointsAtTheRunsMlflowModelWhichMlflowsPythonLoads() throws Exception {
        String name = "it-register-" + Long.toString(System.currentTimeMillis(), 36);
        Path results = dir.resolve("results");
        // tracking.register: the finished run registers its model itself, as version 1
        Vaelab.Outcome o = Vaelab.run(dir, Vaelab.experiment(name, "cvae", "tracking: {register: " + name + "-model}"),
                "--results", results.toString(), "--tracking-uri", RealMlflow.uri());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("registered " + name + "-model version 1 from "), o.out());
        Path runDir = Vaelab.onlyRun(results.resolve(name));
        MlflowRest rest = new MlflowRest(RealMlflow.uri());
        Run run = RealMlflowTest.only(rest.runs(name));
        Map<String, Long> model = rest.artifacts(run.id(), "model");
        for (String file : List.of("model/MLmodel", "model/decoder.onnx", "model/encoder.onnx", "model/input_example.json")) {
            assertTrue(model.containsKey(file), file + " in " + model.keySet());
        }

        Vaelab.Outcome reg = Vaelab.cli("register", runDir.toString(), "--name", name + "-model");
        assertEquals(0, reg.code(), reg.err());
        assertTrue(reg.out().contains("registered " + name + "-model version 2"), reg.out());
        JsonNode version = rest.get("/api/2.0/mlflow/model-versions/get?name=" + name + "-model&version=1")
                .path("model_version");
        assertEquals(run.id(), version.path("run_id").asText());
        assertTrue(version.path("source").asText().endsWith("/" + run.id() + "/artifacts/model"), version.toString());
        Map<String, String> tags = new HashMap<>();
        version.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        double elbo = RunStore.open(runDir).readSummary().get("test/elbo");
        assertEquals(elbo, Double.parseDouble(tags.get("test/elbo")), "key metrics as version tags: " + tags);
        assertEquals(RunStore.open(runDir).record().runId(), tags.get("vaelab.run_id"));

        Vaelab.Outcome again = Vaelab.cli("register", runDir.toString(), "--name", name + "-model");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("version 3"), "each registration is a new version: " + again.out());

        Vaelab.Outcome notThere = Vaelab.cli("register", dir.toString(), "--name", "x");
        assertEquals(1, notThere.code());
        assertTrue(notThere.err().startsWith("error: " + dir + " is not a run folder"), notThere.err());

        // MLflow's own Python, in the kit's chroot, loads the model the version points at
        Path trixie = RealMlflow.work().resolve("trixie");
        assumeTrue(Files.isDirectory(trixie), "no kit chroot at " + trixie + " (a server given by -Dvaelab.test.mlflowUri)");
        assumeTrue(python(trixie, "import onnx").startsWith("0:"), "python3-onnx is not installed in the kit's chroot "
                + "(chroot " + trixie + " apt-get install python3-onnx)");
        String out = python(trixie, "import mlflow.onnx; m = mlflow.onnx.load_model('runs:/" + run.id() + "/model'); "
                + "print(sorted(i.name for i in m.graph.input), m.graph.output[0].name)");
        assertTrue(out.startsWith("0:") && out.contains("['y', 'z'] mean"), out);
        String byName = python(trixie, "import mlflow.onnx; m = mlflow.onnx.load_model('models:/" + name
                + "-model/1'); print(m.graph.output[0].name)");
        assertTrue(byName.startsWith("0:") && byName.strip().endsWith("mean"), byName);
    }

    /** Runs {@code code} with the chroot's python3 and the kit's MLflow against the test server: "exit:output". */
    private static String python(Path chroot, String code) throws Exception {
        Process p = new ProcessBuilder("chroot", chroot.toString(), "env", "-i", "PATH=/usr/bin:/bin", "HOME=/root",
                "LANG=C.UTF-8", "PYTHONPATH=/opt/mlflow-kit/py", "MLFLOW_TRACKING_URI=" + RealMlflow.uri(),
                "python3", "-c", code).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = p.waitFor(3, TimeUnit.MINUTES);
        return (ended ? p.exitValue() : -1) + ":" + out;
    }
}
