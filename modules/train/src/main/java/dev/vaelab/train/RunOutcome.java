package dev.vaelab.train;

import java.nio.file.Path;
import java.util.Map;

/** Where a finished run is and its final metrics. */
public record RunOutcome(Path directory, Map<String, Double> summary, boolean reused) {
}
