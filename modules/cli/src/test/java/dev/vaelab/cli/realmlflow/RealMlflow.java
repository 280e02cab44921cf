package dev.vaelab.cli.realmlflow;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real MLflow server for the tests, started once per test run from the kit at
 * {@code ../shared/mlflow} ({@code start.sh --port P --work DIR}: MLflow 3.11 with its web UI in a
 * Debian chroot; root needed) and stopped when the run ends. A test class that uses it is skipped,
 * saying why, where the kit is missing or does not start. {@code -Dvaelab.test.mlflowUri=URI} uses
 * a server that is already running instead (while developing).
 *
 * <p>The work directory keeps the chroot between runs ({@code start.sh} then takes seconds), so every
 * test names its experiments uniquely rather than relying on an empty server.
 */
public final class RealMlflow implements BeforeAllCallback {
    static final int PORT = Integer.getInteger("vaelab.test.mlflowPort", 5078);
    static final Path WORK = Path.of(System.getProperty("vaelab.test.mlflowWork", "/tmp/vaelab-mlflow-it"));
    private static final Path KIT = Path.of(System.getProperty("vaelab.test.mlflowKit", "../../../shared/mlflow"))
            .toAbsolutePath().normalize();

    @Override
    public void beforeAll(ExtensionContext context) {
        Server server = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Server.class, k -> Server.start(), Server.class);
        assumeTrue(server.uri != null, server.problem);
    }

    /** The running server's tracking URI; only valid in a class extended with {@link RealMlflow}. */
    public static String uri() {
        return Server.current.uri;
    }

    /** The kit's work directory (its chroot is {@code trixie/}, its data {@code data/}). */
    public static Path work() {
        return WORK;
    }

    /** The server of this test run, stopped with the root context. */
    static final class Server implements ExtensionContext.Store.CloseableResource {
        static volatile Server current;
        final String uri;
        final String problem;
        private final boolean started;

        private Server(String uri, String problem, boolean started) {
            this.uri = uri;
            this.problem = problem;
            this.started = started;
        }

        static Server start() {
            current = launch();
            return current;
        }

        private static Server launch() {
            String given = System.getProperty("vaelab.test.mlflowUri", "");
            if (!given.isBlank()) {
                return new Server(given.strip(), null, false);
            }
            Path start = KIT.resolve("start.sh");
            if (!Files.isRegularFile(start)) {
                return new Server(null, "real MLflow tests skipped: no kit at " + KIT + " (CI has it beside the "
                        + "clone; -Dvaelab.test.mlflowKit=DIR names another)", false);
            }
            if (!"root".equals(System.getProperty("user.name"))) {
                return new Server(null, "real MLflow tests skipped: the kit needs root (chroot, mount); running as "
                        + System.getProperty("user.name"), false);
            }
            try {
                Process p = new ProcessBuilder("bash", start.toString(), "--port", String.valueOf(PORT), "--work",
                        WORK.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                boolean ok = p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0;
                List<String> lines = out.strip().lines().toList();
                if (!ok || lines.isEmpty() || !lines.get(lines.size() - 1).startsWith("http")) {
                    return new Server(null, "real MLflow tests skipped: " + start + " failed (see its log under "
                            + WORK + "): " + out.strip(), false);
                }
                installPythonOnnx();
                return new Server(lines.get(lines.size() - 1).strip(), null, true);
            } catch (IOException e) {
                return new Server(null, "real MLflow tests skipped: cannot run " + start + ": " + e.getMessage(), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Server(null, "real MLflow tests skipped: interrupted while starting the server", false);
            }
        }

        /**
         * Debian's python3-onnx in the kit's chroot, for the check that MLflow's own Python loads a
         * registered model (best effort: that check is skipped, saying so, when this fails).
         */
        private static void installPythonOnnx() throws IOException, InterruptedException {
            String trixie = WORK.resolve("trixie").toString();
            String script = "python3 -c 'import onnx' 2>/dev/null || { export DEBIAN_FRONTEND=noninteractive; "
                    + "apt-get install -y -q --no-install-recommends python3-onnx || { apt-get update -q && "
                    + "apt-get install -y -q --no-install-recommends python3-onnx; }; }";
            Process p = new ProcessBuilder("chroot", trixie, "sh", "-c", script).redirectErrorStream(true)
                    .redirectOutput(WORK.resolve("python3-onnx.log").toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        }

        @Override
        public void close() throws Exception {
            if (started) {
                new ProcessBuilder("bash", KIT.resolve("stop.sh").toString(), "--work", WORK.toString()).inheritIO()
                        .start().waitFor(2, TimeUnit.MINUTES);
            }
        }
    }
}
