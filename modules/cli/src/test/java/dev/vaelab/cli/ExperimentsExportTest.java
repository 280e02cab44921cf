package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.inject.Injector;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.export.ExportRequest;
import dev.vaelab.export.ExportedModels;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.ModelValidator;
import dev.vaelab.export.OnnxExporter;
import dev.vaelab.export.ParityCheck;
import dev.vaelab.export.ParityInputs;
import dev.vaelab.export.ParityReport;
import dev.vaelab.sweep.PlannedRun;
import dev.vaelab.sweep.SweepPlanner;
import dev.vaelab.train.ExperimentResolver;
import dev.vaelab.train.ResolvedExperiment;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every experiment in {@code experiments/} (every distinct model of a sweep) exports encoder and
 * decoder files that pass the validity checks and match the training graphs within
 * {@value ParityCheck#TOLERANCE} relative error on random and real test images, with ONNX
 * Runtime's optimizations off and on. The parameters are the initial ones: training changes their
 * values, not the graphs, and a trained run is checked end to end in {@link ExportCommandsTest}.
 */
class ExperimentsExportTest {
    private static final Path EXPERIMENTS = Path.of("../../experiments");

    private final Injector injector = Bootstrap.injector();
    private final ExperimentResolver resolver = injector.getInstance(ExperimentResolver.class);
    private final OnnxExporter exporter = injector.getInstance(OnnxExporter.class);
    private final ModelValidator validator = injector.getInstance(ModelValidator.class);
    private final ParityCheck parity = injector.getInstance(ParityCheck.class);

    @TestFactory
    Stream<DynamicTest> everyExperimentExportsValidFilesWithParity() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(EXPERIMENTS)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no experiments in " + EXPERIMENTS.toAbsolutePath());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    private void check(Path file) throws IOException {
        List<String> configs = new ArrayList<>();
        if (ConfigLoader.load(file).has("sweep")) {
            injector.getInstance(SweepPlanner.class).plan(file, List.of()).runs().stream()
                    .map(PlannedRun::configYaml).forEach(configs::add);
        } else {
            configs.add(Files.readString(file));
        }
        Set<Map<String, String>> seen = new HashSet<>();
        for (String config : configs) {
            ResolvedExperiment rx = resolver.resolve(ExperimentSpec.parse(ConfigLoader.parse(config, file.toString())));
            // a sweep's runs that differ only in seed or β have the same graphs
            Map<String, String> architecture = new TreeMap<>(rx.spec().root().resolved().flatten());
            architecture.keySet().removeIf(k -> !k.startsWith("model.") && !k.startsWith("likelihood.")
                    && !k.startsWith("data."));
            if (!seen.add(architecture)) {
                continue;
            }
            int imageSize = rx.dataset().shape().size();
            int classes = rx.dataset().numClasses();
            VaeGraphs graphs = new VaeGraphs(rx.model(), rx.head(), imageSize, classes);
            ModelCard card = ModelCard.describe(graphs, rx.dataset(), rx.data().spec().binarize(), config, "test",
                    rx.spec().name());
            ExportRequest request = new ExportRequest(graphs,
                    ExportFixtures.initialParameters(graphs, imageSize, classes, rx.spec().seed()), card);
            ExportedModels models = exporter.build(request);
            assertEquals(List.of(), validator.problems(models.encoder()), file + " encoder");
            assertEquals(List.of(), validator.problems(models.decoder()), file + " decoder");
            List<ParityInputs> inputs = new ArrayList<>(List.of(ParityCheck.randomInputs(card, 16, 5)));
            ExportFixtures.testImages(rx.dataset(), 64, card.conditional()).ifPresent(inputs::add);
            ParityReport report = parity.compare(request, models, inputs);
            assertEquals("", report.failures(ParityCheck.TOLERANCE), file.toString());
            System.out.printf("%s (%s, latent %d): %d input sets, worst %s%n", file.getFileName(), card.modelType(),
                    card.latentDim(), inputs.size(), report.worst());
        }
    }
}
