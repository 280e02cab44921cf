package dev.vaelab.tracking.mlflow;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the tests that log to a {@link FakeMlflowServer}: a fresh server per test, a
 * temporary folder for the results and the notices the loggers print.
 */
abstract class FakeServerTest {
    @TempDir
    Path root;

    final FakeMlflowServer server = FakeMlflowServer.start();
    final MlflowTesting.Collected notices = new MlflowTesting.Collected();

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** Loggers with {@code settings} and environment {@code env}, on a clock that steps from {@code start}. */
    TrackingRunLoggerFactory loggers(MlflowSettings settings, Map<String, String> env, Instant start) {
        return new TrackingRunLoggerFactory(settings, MlflowTesting.environment(env), notices,
                new MlflowTesting.SteppingClock(start));
    }

    /** Loggers with the fast test settings, no environment variables, on a clock that steps from {@link MlflowTesting#START}. */
    TrackingRunLoggerFactory loggers() {
        return loggers(MlflowTesting.fast(), Map.of(), MlflowTesting.START);
    }
}
