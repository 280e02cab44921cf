package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackingServerTest {
    @TempDir
    Path root;

    @Test
    void readsTheUriAndCredentialsAsMlflowClientsDo() {
        TrackingServer plain = TrackingServer.resolve(" http://127.0.0.1:5000/ ", Map.of());
        assertEquals("http://127.0.0.1:5000", plain.display());
        assertEquals(Optional.empty(), plain.authorization());
        assertEquals(Optional.of("Bearer tok"),
                TrackingServer.resolve("https://h/mlflow", Map.of("MLFLOW_TRACKING_TOKEN", "tok")).authorization());
        TrackingServer both = TrackingServer.resolve("https://h", Map.of("MLFLOW_TRACKING_TOKEN", "tok",
                "MLFLOW_TRACKING_USERNAME", "u", "MLFLOW_TRACKING_PASSWORD", "p"));
        assertEquals("Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8)),
                both.authorization().orElseThrow(), "basic first, as MLflow's clients do");
        TrackingServer inUri = TrackingServer.resolve("http://ann:pw@host:80/x", Map.of());
        assertEquals("http://host:80/x", inUri.display(), "credentials are never printed or recorded");
        assertTrue(inUri.authorization().orElseThrow().startsWith("Basic "));
    }

    @Test
    void anythingButHttpSaysHowToStartAServer() {
        for (String uri : new String[] {"file:///tmp/mlruns", "./mlruns", "databricks", "sqlite:///m.db", "http//x"}) {
            VaelabException e = assertThrows(VaelabException.class, () -> TrackingServer.resolve(uri, Map.of()), uri);
            assertTrue(e.getMessage().contains("mlflow server --host"), e.getMessage());
        }
    }

    @Test
    void findsTheCommitOfTheRepositoryHoldingAFile() throws Exception {
        String sha = "89abcdef0123456789abcdef0123456789abcdef";
        Path repo = root.resolve("repo");
        Files.createDirectories(repo.resolve(".git"));
        Files.createDirectories(repo.resolve("experiments/deep"));
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(repo.resolve(".git/packed-refs"), "# pack-refs with: peeled\n" + sha + " refs/heads/main\n");
        Path file = Files.writeString(repo.resolve("experiments/deep/x.yaml"), "name: x\n");
        assertEquals(Optional.of(sha), GitCommit.of(file));
        Files.writeString(repo.resolve(".git/HEAD"), sha.replace('8', '7') + "\n");
        assertEquals(Optional.of(sha.replace('8', '7')), GitCommit.of(file), "a detached head");
        Path outside = Files.writeString(root.resolve("y.yaml"), "name: y\n");
        assertEquals(Optional.empty(), GitCommit.of(outside));
    }
}
