package dev.vaelab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaelab.core.error.DataException;
import dev.vaelab.core.error.VaelabException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The layout of {@code run.json}. Times appear twice, as ISO-8601 text for people and as epoch
 * milliseconds for tools (MLflow's unit); reading uses the ISO text. Fields this version does not
 * know are ignored, so newer files stay readable.
 *
 * <pre>{@code
 * {
 *   "run_id" : "6f1c...", "experiment" : "mnist-beta", "run_name" : "beta4-seed0",
 *   "status" : "finished",
 *   "start_time" : "2025-01-02T03:04:05.678Z", "start_time_ms" : 1735787045678,
 *   "end_time" : "...", "end_time_ms" : ..., "duration_ms" : 61234,
 *   "error" : null, "vaelab_version" : "0.1.0", "host" : "lab-01",
 *   "extra" : { "mlflow_run_id" : "..." }
 * }
 * }</pre>
 */
public final class RunRecordJson {
    private RunRecordJson() {}

    /** The text of {@code run.json} for {@code record}. */
    public static String toJson(RunRecord record) {
        ObjectNode node = JsonFiles.object();
        node.put("run_id", record.runId());
        node.put("experiment", record.experiment());
        node.put("run_name", record.runName());
        node.put("status", record.status().wireName());
        node.put("start_time", record.startTime().toString());
        node.put("start_time_ms", record.startTime().toEpochMilli());
        if (record.endTime() == null) {
            node.putNull("end_time");
            node.putNull("end_time_ms");
            node.putNull("duration_ms");
        } else {
            node.put("end_time", record.endTime().toString());
            node.put("end_time_ms", record.endTime().toEpochMilli());
            node.put("duration_ms", record.duration().orElseThrow().toMillis());
        }
        node.put("error", record.error());
        node.put("vaelab_version", record.vaelabVersion());
        node.put("host", record.host());
        ObjectNode extra = node.putObject("extra");
        record.extra().forEach(extra::put);
        return JsonFiles.toText(node);
    }

    /** Reads a {@code run.json} back; fails naming the file and the field that is missing or wrong. */
    public static RunRecord read(Path file) {
        ObjectNode node = JsonFiles.readObject(file, "run file");
        try {
            Map<String, String> extra = new TreeMap<>();
            JsonNode extraNode = node.path("extra");
            for (Map.Entry<String, JsonNode> field : extraNode.properties()) {
                extra.put(field.getKey(), field.getValue().asText());
            }
            return new RunRecord(
                    text(node, "run_id", file),
                    text(node, "experiment", file),
                    text(node, "run_name", file),
                    RunStatus.fromWireName(text(node, "status", file)),
                    Instant.parse(text(node, "start_time", file)),
                    node.path("end_time").isTextual() ? Instant.parse(node.get("end_time").asText()) : null,
                    node.path("error").isTextual() ? node.get("error").asText() : null,
                    text(node, "vaelab_version", file),
                    text(node, "host", file),
                    extra);
        } catch (DateTimeParseException e) {
            throw new DataException("run file " + file + ": a time is not ISO-8601: " + e.getParsedString(), e);
        } catch (DataException e) {
            throw e;
        } catch (VaelabException e) {
            throw new DataException("run file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(ObjectNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new DataException("run file " + file + " has no text field '" + field + "'");
        }
        return value.asText();
    }
}
