package dev.vaelab.tracking.mlflow;

import dev.vaelab.tracking.RunEnvironment;
import dev.vaelab.tracking.RunStore;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared pieces of the MLflow tests: fast settings, a stepping clock, collected notices, small grids. */
public final class MlflowTesting {
    public static final Instant START = Instant.parse("2025-03-04T05:06:07.000Z");
    public static final RunEnvironment ENV = new RunEnvironment("lab-01", "0.1.0-test");
    public static final String CONFIG = String.join("\n",
            "name: mnist-beta",
            "seed: 0",
            "data: {dataset: mnist, binarize: dynamic, validation: 5000}",
            "model:",
            "  type: beta-vae",
            "  latent_dim: 10",
            "  encoder: {type: mlp, hidden: [400], activation: relu}",
            "  layers:",
            "    - {size: 3}",
            "    - {size: 4}",
            "train: {epochs: 2, batch_size: 128, optimizer: {type: adam, lr: 1.0e-3}}",
            "");

    private MlflowTesting() {}

    /** Settings with short timeouts and back-off, so fault tests take milliseconds per retry. */
    public static MlflowSettings fast() {
        return fast(Duration.ofSeconds(20));
    }

    public static MlflowSettings fast(Duration drain) {
        return new MlflowSettings(Duration.ofSeconds(2), Duration.ofSeconds(3),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)), 4096, drain);
    }

    /** An environment with no credentials and user {@code ada}. */
    public static TrackingEnvironment environment() {
        return new TrackingEnvironment(Map.of(), "ada");
    }

    public static TrackingEnvironment environment(Map<String, String> variables) {
        return new TrackingEnvironment(variables, "ada");
    }

    /** A new run store of experiment {@code exp} under {@code root}. */
    public static RunStore store(Path root, String experiment, String runName) {
        return RunStore.create(root, experiment, runName, CONFIG, new SteppingClock(START), ENV);
    }

    /** A small grey grid, distinct per {@code seed}. */
    public static BufferedImage grid(int seed) {
        BufferedImage image = new BufferedImage(62, 31, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 31; y++) {
            for (int x = 0; x < 62; x++) {
                image.getRaster().setSample(x, y, 0, (x * 7 + y * 13 + seed * 31) % 256);
            }
        }
        return image;
    }

    /** Notices kept in a list. */
    public static final class Collected implements Notices {
        public final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void say(String line) {
            lines.add(line);
        }

        public boolean any(String part) {
            return lines.stream().anyMatch(l -> l.contains(part));
        }

        public long count(String part) {
            return lines.stream().filter(l -> l.contains(part)).count();
        }
    }

    /** A clock that moves one millisecond each time it is read, so two runs fed the same calls get the same times. */
    public static final class SteppingClock extends Clock {
        private long millis;

        public SteppingClock(Instant start) {
            this.millis = start.toEpochMilli();
        }

        @Override
        public synchronized Instant instant() {
            return Instant.ofEpochMilli(millis++);
        }

        @Override
        public synchronized long millis() {
            return millis++;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
