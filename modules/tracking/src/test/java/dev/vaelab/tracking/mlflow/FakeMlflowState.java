package dev.vaelab.tracking.mlflow;

import dev.vaelab.tracking.MetricRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link FakeMlflowServer} stores: experiments, runs with their params, tags and every
 * metric value logged (append-only, duplicates kept, as MLflow's file store keeps them), and
 * artifacts. It outlives a server restart. Access is synchronized on the state object.
 */
public final class FakeMlflowState {
    /** An experiment. */
    public static final class Experiment {
        public final String id;
        public final String name;
        public final String artifactLocation;
        public String lifecycleStage = "active";

        Experiment(String id, String name, String artifactLocation) {
            this.id = id;
            this.name = name;
            this.artifactLocation = artifactLocation;
        }
    }

    /** A run. */
    public static final class Run {
        public final String runId;
        public final String experimentId;
        public String runName;
        public final String userId;
        public String status = "RUNNING";
        public final long startTime;
        public Long endTime;
        public String lifecycleStage = "active";
        public final String artifactUri;
        public final Map<String, String> params = new LinkedHashMap<>();
        public final Map<String, String> tags = new LinkedHashMap<>();
        public final List<MetricRow> metrics = new ArrayList<>();

        Run(String runId, String experimentId, String runName, String userId, long startTime, String artifactUri) {
            this.runId = runId;
            this.experimentId = experimentId;
            this.runName = runName;
            this.userId = userId;
            this.startTime = startTime;
            this.artifactUri = artifactUri;
        }
    }

    final Map<String, Experiment> experiments = new LinkedHashMap<>();
    final Map<String, Run> runs = new LinkedHashMap<>();
    /** Artifacts of the proxied store, by path below its root ({@code <experiment>/<run>/artifacts/...}). */
    final Map<String, byte[]> artifacts = new TreeMap<>();
    int nextExperiment = 1;
    /** The default artifact root new experiments get: {@code mlflow-artifacts:} unless a test sets another. */
    String artifactRoot = "mlflow-artifacts:";

    public FakeMlflowState() {
        experiments.put("0", new Experiment("0", "Default", artifactRoot + "/0"));
    }

    /** Makes new experiments keep their artifacts under {@code root}, e.g. {@code file:///srv/mlruns} or {@code s3://bucket}. */
    public synchronized void setArtifactRoot(String root) {
        artifactRoot = root;
    }

    public synchronized List<Run> runs() {
        return new ArrayList<>(runs.values());
    }

    /** The active runs of the experiment of this name. */
    public synchronized List<Run> runs(String experimentName) {
        List<Run> out = new ArrayList<>();
        for (Run run : runs.values()) {
            if (experiments.get(run.experimentId).name.equals(experimentName) && run.lifecycleStage.equals("active")) {
                out.add(run);
            }
        }
        return out;
    }

    public synchronized Run run(String runId) {
        return runs.get(runId);
    }

    /** The only active run of this name in the experiment; fails when there is none or more than one. */
    public synchronized Run onlyRun(String experimentName, String runName) {
        List<Run> matching = runs(experimentName).stream().filter(r -> r.runName.equals(runName)).toList();
        if (matching.size() != 1) {
            throw new AssertionError(matching.size() + " active runs named " + runName + " in " + experimentName);
        }
        return matching.get(0);
    }

    /** The artifacts of a run: path relative to its artifact root, to content. */
    public synchronized Map<String, byte[]> artifacts(Run run) {
        String prefix = proxiedRoot(run) + "/";
        Map<String, byte[]> out = new TreeMap<>();
        artifacts.forEach((path, bytes) -> {
            if (path.startsWith(prefix)) {
                out.put(path.substring(prefix.length()), bytes);
            }
        });
        return out;
    }

    static String proxiedRoot(Run run) {
        return run.artifactUri.replaceFirst("^mlflow-artifacts:/*", "");
    }
}
