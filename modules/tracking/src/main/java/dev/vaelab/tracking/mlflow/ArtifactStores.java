package dev.vaelab.tracking.mlflow;

import dev.vaelab.core.error.VaelabException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Chooses how to reach a run's artifact location, as MLflow's own clients resolve it:
 * {@code mlflow-artifacts:} through the tracking server's artifact proxy (or the server the URI
 * names), {@code file:} and absolute paths by copying, when this machine can reach them. Any other
 * scheme (s3, gs, wasbs, hdfs, dbfs, ...) would need MLflow's Python client; vaelab refuses it with
 * the way to have the server proxy it instead.
 */
final class ArtifactStores {
    private ArtifactStores() {}

    static ArtifactStore forLocation(String artifactUri, TrackingServer server, HttpClient http, Duration timeout) {
        URI uri;
        try {
            uri = URI.create(artifactUri);
        } catch (IllegalArgumentException e) {
            throw unsupported(artifactUri, "it is not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "mlflow-artifacts": {
                URI base = server.base();
                // mlflow-artifacts://host:port/path names its own server; the scheme stays the tracking server's
                URI origin = uri.getRawAuthority() == null ? base : URI.create(base.getScheme() + "://"
                        + uri.getRawAuthority());
                return new ProxiedArtifactStore(http, server, origin, uri.getPath() == null ? "" : uri.getPath(), timeout);
            }
            case "file":
                return local(artifactUri, Path.of(uri));
            case "":
                if (artifactUri.startsWith("/")) {
                    return local(artifactUri, Path.of(artifactUri));
                }
                throw unsupported(artifactUri, "a relative path is relative to the server's working directory, "
                        + "which this machine cannot know");
            default:
                throw unsupported(artifactUri, "vaelab writes artifacts without Python only through the tracking "
                        + "server's artifact proxy or to a file: location this machine can reach");
        }
    }

    private static ArtifactStore local(String artifactUri, Path path) {
        // MLflow lays runs out as <root>/<experiment>/<run>/artifacts; the root must exist here.
        Path root = path.getFileName() != null && path.getFileName().toString().equals("artifacts")
                && path.getNameCount() >= 3 ? path.getParent().getParent().getParent() : path.getParent();
        if (root == null || !Files.isDirectory(root)) {
            throw unsupported(artifactUri, "its folder " + root + " does not exist on this machine");
        }
        return new LocalArtifactStore(path);
    }

    private static VaelabException unsupported(String artifactUri, String why) {
        return new VaelabException("cannot store artifacts at " + artifactUri + ": " + why + ". Start the MLflow server "
                + "with artifact proxying so that runs get mlflow-artifacts: locations, e.g. `mlflow server "
                + "--artifacts-destination <your store, such as s3://bucket/path>` (proxying is on by default since "
                + "MLflow 2.0; do not pass --no-serve-artifacts), or give the experiment a file: location this "
                + "machine can reach");
    }
}
