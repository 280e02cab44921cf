package dev.vaelab.data;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The directory that holds every dataset, one subdirectory per dataset ({@code mnist/},
 * {@code fashion-mnist/}, {@code binarized-mnist/}) with the files under their original names, so a
 * user can fill it by hand from the official downloads.
 *
 * @param path the absolute, normalized root directory
 */
public record DataRoot(Path path) {
    /** The environment variable that names the data root when {@code --data-dir} is not given. */
    public static final String ENV_VARIABLE = "VAELAB_DATA";

    public DataRoot {
        Objects.requireNonNull(path, "path");
        path = path.toAbsolutePath().normalize();
    }

    /**
     * The data root, chosen in this order: {@code --data-dir}, the {@code VAELAB_DATA} environment
     * variable, {@code $XDG_CACHE_HOME/vaelab/data}, {@code ~/.cache/vaelab/data}. Blank values count as
     * absent, a leading {@code ~/} means the home directory, and a relative {@code XDG_CACHE_HOME} is
     * ignored as the XDG specification asks.
     */
    public static DataRoot resolve(Optional<Path> cliDataDir, Map<String, String> env) {
        String home = nonBlank(env.get("HOME")).orElse(System.getProperty("user.home"));
        if (cliDataDir.isPresent()) {
            return new DataRoot(expandHome(cliDataDir.get().toString(), home));
        }
        Optional<String> fromEnv = nonBlank(env.get(ENV_VARIABLE));
        if (fromEnv.isPresent()) {
            return new DataRoot(expandHome(fromEnv.get(), home));
        }
        Optional<Path> xdg = nonBlank(env.get("XDG_CACHE_HOME")).map(Path::of).filter(Path::isAbsolute);
        Path cache = xdg.orElse(Path.of(home, ".cache"));
        return new DataRoot(cache.resolve("vaelab").resolve("data"));
    }

    /** The directory of one dataset inside the root. */
    public Path directory(DatasetSpec spec) {
        return path.resolve(spec.directory());
    }

    private static Path expandHome(String path, String home) {
        if (path.equals("~")) {
            return Path.of(home);
        }
        if (path.startsWith("~/")) {
            return Path.of(home, path.substring(2));
        }
        return Path.of(path);
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::strip).filter(s -> !s.isEmpty());
    }
}
