package dev.vaelab.tracking.mlflow;

import java.nio.charset.StandardCharsets;

/** Checks and encodes artifact paths: relative, {@code /}-separated, no {@code .} or {@code ..} segments. */
final class ArtifactPaths {
    private ArtifactPaths() {}

    /** Returns {@code path} when it is a safe relative artifact path; otherwise throws. */
    static String requireRelative(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("\\")) {
            throw new IllegalArgumentException("not a relative artifact path: '" + path + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("artifact path '" + path + "' has an empty, '.' or '..' segment");
            }
        }
        return path;
    }

    /**
     * {@code path} percent-encoded for a URL path, segment by segment: unreserved characters and
     * {@code +} stay (image names use {@code +} as MLflow's own do), everything else is escaped.
     */
    static String encode(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~+/".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** The MIME type MLflow's HTTP artifact client would send for a file of this name. */
    static String contentType(String path) {
        String name = path.toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".png")) {
            return "image/png";
        } else if (name.endsWith(".webp")) {
            return "image/webp";
        } else if (name.endsWith(".json")) {
            return "application/json";
        } else if (name.endsWith(".csv")) {
            return "text/csv";
        } else if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".txt")) {
            return "text/plain";
        }
        return "application/octet-stream";
    }
}
