package dev.vaelab.tracking.mlflow;

import java.util.Map;

/**
 * What vaelab reads back about a run on an MLflow server.
 *
 * @param runId the server's run id
 * @param experimentId its experiment
 * @param artifactUri where its artifacts go, such as {@code mlflow-artifacts:/1/<run>/artifacts}
 * @param status RUNNING, FINISHED, FAILED, KILLED or SCHEDULED
 * @param lifecycleStage {@code active} or {@code deleted}
 * @param params its params
 * @param tags its tags
 * @param metricKeys the keys it has metrics for, each with the step of its latest value
 */
public record MlflowRun(String runId, String experimentId, String artifactUri, String status, String lifecycleStage,
                        Map<String, String> params, Map<String, String> tags, Map<String, Long> metricKeys) {
    public MlflowRun {
        params = Map.copyOf(params);
        tags = Map.copyOf(tags);
        metricKeys = Map.copyOf(metricKeys);
    }

    public boolean active() {
        return "active".equals(lifecycleStage);
    }
}
