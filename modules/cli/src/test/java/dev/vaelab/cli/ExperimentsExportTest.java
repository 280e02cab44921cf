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
import java.awt.image.BufferedImage;
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
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

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

    @TempDir
    Path temp;

    /** Two classes of small coloured pictures, as experiments/make-shapes-folder.py writes them. */
    private Path examplePhotos() throws IOException {
        Path photos = temp.resolve("photos");
        if (Files.exists(photos)) {
            return photos;
        }
        for (String kind : List.of("discs", "squares")) {
            Files.createDirectories(photos.resolve(kind));
            for (int i = 0; i < 10; i++) {
                BufferedImage image = new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 80; y++) {
                    for (int x = 0; x < 96; x++) {
                        boolean inside = kind.equals("discs") ? (x - 40) * (x - 40) + (y - 40) * (y - 40) < 400
                                : Math.abs(x - 40) < 20 && Math.abs(y - 40) < 20;
                        image.setRGB(x, y, inside ? 0xE0A040 + i : 0x203050);
                    }
                }
                ImageIO.write(image, "png", photos.resolve(kind).resolve(i + ".png").toFile());
            }
        }
        return photos;
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
            // the image-folder example reads ./photos, which a user writes first: here a folder written by the test
            config = config.replace("path: photos", "path: " + examplePhotos());
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
