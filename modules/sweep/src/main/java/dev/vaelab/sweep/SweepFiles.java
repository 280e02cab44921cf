package dev.vaelab.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaelab.core.error.DataException;
import dev.vaelab.tracking.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes a sweep's own files ({@code sweep/plan.json}, {@code sweep/outcomes.json}, the
 * run configs), each replaced whole and atomically.
 */
public final class SweepFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepFiles() {
    }

    /** Writes the plan and every run's config file. */
    public static void writePlan(SweepLayout layout, SweepPlan plan) {
        for (PlannedRun run : plan.runs()) {
            AtomicFiles.writeString(layout.configFile(run.name()), run.configYaml());
        }
        PlanRecord record = PlanRecord.of(plan);
        ObjectNode root = JSON.createObjectNode();
        root.put("sweep_file", plan.file().toString());
        root.put("experiment", record.experiment());
        root.put("method", plan.spec().random() ? "random" : "grid");
        root.putObject("metric").put("name", record.metric().name()).put("goal", record.metric().goal());
        record.parameters().forEach(root.putArray("parameters")::add);
        root.put("duplicates", plan.duplicates());
        var runs = root.putArray("runs");
        for (PlannedRun run : plan.runs()) {
            ObjectNode node = runs.addObject().put("name", run.name());
            ObjectNode params = node.putObject("parameters");
            run.parameters().forEach(params::put);
            node.put("config", layout.experimentDirectory().relativize(layout.configFile(run.name())).toString());
        }
        write(layout.planFile(), root);
    }

    /** The saved plan, if the folder holds one. */
    public static Optional<PlanRecord> readPlan(SweepLayout layout) {
        Optional<ObjectNode> node = read(layout.planFile());
        if (node.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode root = node.get();
        JsonNode metric = root.path("metric");
        List<String> parameters = new ArrayList<>();
        root.path("parameters").forEach(p -> parameters.add(p.asText()));
        List<PlanRecord.Entry> runs = new ArrayList<>();
        for (JsonNode run : root.path("runs")) {
            Map<String, String> values = new LinkedHashMap<>();
            run.path("parameters").properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
            runs.add(new PlanRecord.Entry(run.path("name").asText(), values));
        }
        return Optional.of(new PlanRecord(root.path("experiment").asText(),
                new SweepMetric(metric.path("name").asText(SweepMetric.DEFAULT.name()),
                        !metric.path("goal").asText("maximize").equals("minimize")),
                parameters, runs));
    }

    /** Merges {@code results} into {@code sweep/outcomes.json}, keeping other runs' entries. */
    public static synchronized void writeOutcomes(SweepLayout layout, Iterable<RunResult> results) {
        ObjectNode root = read(layout.outcomesFile()).orElseGet(JSON::createObjectNode);
        for (RunResult r : results) {
            ObjectNode node = root.putObject(r.run());
            node.put("outcome", r.outcome().wireName());
            node.put("error", r.error());
            if (r.exitCode() == null) {
                node.putNull("exit_code");
            } else {
                node.put("exit_code", r.exitCode());
            }
            node.put("seconds", r.seconds());
        }
        write(layout.outcomesFile(), root);
    }

    /** The outcomes recorded by sweeps, by run name. */
    public static Map<String, RunResult> readOutcomes(SweepLayout layout) {
        Map<String, RunResult> out = new LinkedHashMap<>();
        read(layout.outcomesFile()).ifPresent(root -> root.properties().forEach(e -> {
            JsonNode n = e.getValue();
            out.put(e.getKey(), new RunResult(e.getKey(), Outcome.fromWireName(n.path("outcome").asText("pending")),
                    n.path("error").isTextual() ? n.path("error").asText() : null,
                    n.path("exit_code").isInt() ? n.path("exit_code").asInt() : null,
                    n.path("seconds").asDouble(0), false));
        }));
        return out;
    }

    private static Optional<ObjectNode> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (!(node instanceof ObjectNode object)) {
                throw new DataException(file + " does not hold a JSON object");
            }
            return Optional.of(object);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, ObjectNode node) {
        try {
            AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree could not be written as text", e);
        }
    }
}
