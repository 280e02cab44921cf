package dev.vaelab.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * The config text of one run of a sweep: the resolved YAML without the {@code sweep:} section, so a
 * run's name (a hash of its config) does not change when the sweep around it grows, and the file
 * runs the same with {@code vaelab run}.
 */
final class RunConfigs {
    private RunConfigs() {
    }

    /**
     * {@code resolvedYaml} without its top-level {@code sweep:} block. The resolved config is written
     * in block style with top-level keys at column 0 and everything below them indented, so the
     * block ends at the next line that starts at column 0.
     */
    static String withoutSweep(String resolvedYaml) {
        List<String> kept = new ArrayList<>();
        boolean inSweep = false;
        for (String line : resolvedYaml.split("\n", -1)) {
            boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0));
            if (topLevel) {
                inSweep = line.equals("sweep:") || line.startsWith("sweep: ");
            }
            if (!inSweep) {
                kept.add(line);
            }
        }
        return String.join("\n", kept);
    }
}
