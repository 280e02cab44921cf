package dev.vaelab.cli;

import dev.vaelab.data.Catalog;
import dev.vaelab.data.DataFile;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.DatasetSpec;
import dev.vaelab.data.Split;
import dev.vaelab.export.IdxFiles;
import dev.vaelab.export.Images;
import dev.vaelab.export.ParityInputs;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.ParameterSpec;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/** Parameters and real inputs for export tests that do not train. */
final class ExportFixtures {
    private ExportFixtures() {
    }

    /** Every parameter the graphs use, drawn by its own initializer: the values training starts from. */
    static Map<String, float[]> initialParameters(VaeGraphs graphs, int imageSize, int numClasses, long seed) {
        Graph g = new Graph(DType.FLOAT);
        GraphInputParameters params = new GraphInputParameters(g, "");
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, imageSize));
        Optional<Tensor> y = graphs.model().conditional()
                ? Optional.of(g.input("y", DType.FLOAT, Shape.of(Shape.BATCH, numClasses)))
                : Optional.empty();
        Tensor eps = g.input("eps", DType.FLOAT, Shape.of(Shape.BATCH, graphs.model().latentDim()));
        VaeGraphs.Terms terms = graphs.terms(g, params, x, y, eps);
        graphs.head().outputs(g, params, graphs.model().decode(g, params, terms.posterior().mu(), y));
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (ParameterSpec p : params.specs()) {
            values.put(p.name(), p.init().values(p.shape(), random.split()));
        }
        return values;
    }

    /** The first {@code n} test images (and labels) of an IDX dataset in the test data folder, if it is there. */
    static Optional<ParityInputs> testImages(DatasetInfo info, int n, boolean conditional) {
        String root = System.getProperty("vaelab.test.data");
        Catalog catalog = new Catalog();
        if (root == null || !catalog.names().contains(info.name())) {
            return Optional.empty();
        }
        DatasetSpec dataset = catalog.get(info.name());
        if (dataset.format() != DatasetSpec.Format.IDX) {
            return Optional.empty();
        }
        Optional<Path> images = local(root, dataset, DataFile.Content.IMAGES);
        Optional<Path> labels = local(root, dataset, DataFile.Content.LABELS);
        if (images.isEmpty() || labels.isEmpty()) {
            return Optional.empty();
        }
        Images x = IdxFiles.readImages(images.get()).first(n);
        int[] y = Arrays.copyOf(IdxFiles.readLabels(labels.get()), n);
        return Optional.of(new ParityInputs(dataset.name() + " test", n, x.pixels(),
                conditional ? Optional.of(y) : Optional.empty(), Optional.empty()));
    }

    private static Optional<Path> local(String root, DatasetSpec dataset, DataFile.Content content) {
        return dataset.file(Split.TEST, content).map(f -> Path.of(root, dataset.directory(), f.name()))
                .filter(Files::isRegularFile);
    }
}
