package dev.vaelab.cli;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.export.ExportRequest;
import dev.vaelab.export.ExportResult;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.OnnxExporter;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import dev.vaelab.train.Checkpoint;
import dev.vaelab.train.ExperimentResolver;
import dev.vaelab.train.ResolvedExperiment;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code vaelab export <run-dir>}: writes a finished run's {@code model/encoder.onnx} and
 * {@code model/decoder.onnx} again from its {@code model/checkpoint} and {@code config.yaml}, e.g.
 * for a run trained with {@code export.onnx: false}, and records the sizes in its summary.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a finished run's model/encoder.onnx and model/decoder.onnx from its checkpoint and config.")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "the run's folder, results/<experiment>/<run>")
    Path run;

    private final ExperimentResolver resolver;
    private final OnnxExporter exporter;

    @jakarta.inject.Inject
    ExportCommand(ExperimentResolver resolver, OnnxExporter exporter) {
        this.resolver = resolver;
        this.exporter = exporter;
    }

    @Override
    public Integer call() {
        RunStore store = RunStore.open(run);
        RunRecord record = store.record();
        if (record.status() == RunStatus.FAILED) {
            throw new VaelabException("run " + run + " failed (" + record.error() + "); a failed run has no trained "
                    + "model to export");
        }
        if (record.status() != RunStatus.FINISHED) {
            // a failed run is not resumed: running it again moves it aside and trains afresh
            String again = record.status() == RunStatus.FAILED
                    ? "to train it afresh (the failed attempt is moved aside)" : "to resume it from its last checkpoint";
            throw new VaelabException("run " + run + " is " + record.status().wireName() + ", not finished; run its "
                    + "config again with vaelab run " + again + ", then export");
        }
        Path checkpointFile = store.modelDirectory().resolve("checkpoint");
        if (!Files.isRegularFile(checkpointFile)) {
            throw new VaelabException("run " + run + " has no checkpoint (" + checkpointFile + "), so there are no "
                    + "trained parameters to export");
        }
        Checkpoint checkpoint = Checkpoint.read(checkpointFile);
        String config = store.readConfig();
        ExperimentSpec spec = ExperimentSpec.parse(ConfigLoader.parse(config, store.configFile().toString()));
        ResolvedExperiment rx = resolver.resolve(spec);
        VaeGraphs graphs = new VaeGraphs(rx.model(), rx.head(), rx.dataset().shape().size(), rx.dataset().numClasses());
        ModelCard card = ModelCard.describe(graphs, rx.dataset(), rx.data().spec().binarize(), config, record.runId(),
                record.runName());
        ExportResult result = exporter.write(new ExportRequest(graphs, checkpoint.values(), card), store.modelDirectory());
        if (Files.exists(store.summaryFile())) {
            Map<String, Double> summary = new LinkedHashMap<>(store.readSummary());
            summary.putAll(result.summaryMetrics());
            store.writeSummary(summary);
        }
        System.out.printf("wrote %s (%d bytes) and %s (%d bytes)%n", result.encoder(), result.encoderBytes(),
                result.decoder(), result.decoderBytes());
        return 0;
    }
}
