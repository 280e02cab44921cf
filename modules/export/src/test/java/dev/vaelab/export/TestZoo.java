package dev.vaelab.export;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.ParameterSpec;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.zoo.ZooModule;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.model.ModelFactory;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.network.ImageDims;
import dev.vaelab.zoo.network.NetworkFactory;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Every model, network and likelihood registered in the Guice map binders of {@link ZooModule} and
 * {@link HeadsModule}, built at MNIST's shape with each factory's defaults, so that tests cover a
 * new model type, network or head as soon as it is bound.
 */
final class TestZoo {
    static final ImageDims MNIST = new ImageDims(1, 28, 28);
    static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    final Map<String, ModelFactory> models;
    final Map<String, NetworkFactory> networks;
    final Map<String, HeadFactory> heads;

    TestZoo() {
        Injector injector = Guice.createInjector(new ZooModule(), new HeadsModule());
        models = injector.getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory>>() { }));
        networks = injector.getInstance(Key.get(new TypeLiteral<Map<String, NetworkFactory>>() { }));
        heads = injector.getInstance(Key.get(new TypeLiteral<Map<String, HeadFactory>>() { }));
    }

    /** One model type with one network type for encoder and decoder and one likelihood (with options). */
    record Combination(String model, String network, String head, String headOptions) {
        Combination(String model, String network, String head) {
            this(model, network, head, "");
        }

        @Override
        public String toString() {
            return model + " / " + network + " / " + head + headOptions;
        }
    }

    /** Every combination, in a stable order. */
    List<Combination> combinations() {
        List<Combination> out = new ArrayList<>();
        for (String m : new TreeSet<>(models.keySet())) {
            for (String n : new TreeSet<>(networks.keySet())) {
                for (String h : new TreeSet<>(heads.keySet())) {
                    out.add(new Combination(m, n, h));
                }
            }
        }
        return out;
    }

    /**
     * Heads with the scale options that add parameters of their own or decoder outputs (a scale
     * learned per pixel, a scale predicted by the decoder), for every head that takes them.
     */
    List<Combination> scaleVariants() {
        List<Combination> out = new ArrayList<>();
        for (String h : new TreeSet<>(heads.keySet())) {
            for (String scale : List.of("learned_per_pixel", "predicted")) {
                String options = ", scale: " + scale;
                try {
                    heads.get(h).create(spec("{type: " + h + options + "}"));
                    out.add(new Combination("vae", "mlp", h, options));
                } catch (ConfigException e) {
                    // this head has no such scale
                }
            }
        }
        return out;
    }

    /**
     * The graphs of a combination with latent size {@code latent} and, where the network takes it,
     * one small dense hidden layer (an MLP's default 400 units before a categorical head's 256
     * values per pixel would be 80 million weights); every other option takes its default.
     */
    VaeGraphs graphs(Combination c, int latent) {
        return graphs(c, latent, 64);
    }

    /** As above with {@code hidden} units in the hidden layer. */
    VaeGraphs graphs(Combination c, int latent, int hidden) {
        LikelihoodHead head = heads.get(c.head()).create(spec("{type: " + c.head() + c.headOptions() + "}"));
        ModelContext context = new ModelContext(MNIST, DIGITS.size(), head.outputsPerPixel());
        VaeModel model;
        try {
            model = models.get(c.model()).create(modelSpec(c, latent, ", hidden: [" + hidden + "]"), context);
        } catch (ConfigException e) {
            model = models.get(c.model()).create(modelSpec(c, latent, ""), context); // a network without 'hidden'
        }
        return new VaeGraphs(model, head, MNIST.size(), DIGITS.size());
    }

    private static ComponentSpec modelSpec(Combination c, int latent, String networkOptions) {
        String network = "{type: " + c.network() + networkOptions + "}";
        return spec("{type: " + c.model() + ", latent_dim: " + latent + ", encoder: " + network + ", decoder: "
                + network + "}");
    }

    /** The card a run of these graphs on MNIST would write. */
    static ModelCard card(VaeGraphs graphs, Combination c) {
        return new ModelCard("test", "test-run-id", "test-" + c.model() + "-" + c.network() + "-" + c.head(),
                graphs.model().type(), graphs.model().conditional(), graphs.model().latentDim(), List.of(1, 28, 28),
                "none", graphs.head().type(), DIGITS, "name: test\nseed: 7\nmodel: {type: " + c.model() + "}\n");
    }

    /** Every parameter the graphs use, drawn by its own initializer (the values training starts from). */
    static Map<String, float[]> initialParameters(VaeGraphs graphs, long seed) {
        Graph g = new Graph(DType.FLOAT);
        GraphInputParameters params = new GraphInputParameters(g, "");
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, MNIST.size()));
        Optional<Tensor> y = graphs.model().conditional()
                ? Optional.of(g.input("y", DType.FLOAT, Shape.of(Shape.BATCH, DIGITS.size())))
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

    /** The MNIST test set's first {@code n} images and labels, where the real data is on disk. */
    static Optional<ParityInputs> mnistTest(int n, boolean conditional) {
        String root = System.getProperty("vaelab.test.data");
        if (root == null) {
            return Optional.empty();
        }
        Path images = Path.of(root, "mnist", "t10k-images-idx3-ubyte.gz");
        Path labels = Path.of(root, "mnist", "t10k-labels-idx1-ubyte.gz");
        if (!Files.isRegularFile(images) || !Files.isRegularFile(labels)) {
            return Optional.empty();
        }
        Images x = IdxFiles.readImages(images).first(n);
        int[] y = java.util.Arrays.copyOf(IdxFiles.readLabels(labels), n);
        return Optional.of(new ParityInputs("mnist test", n, x.pixels(), conditional ? Optional.of(y) : Optional.empty(),
                Optional.empty()));
    }

    private static ComponentSpec spec(String yaml) {
        return ComponentSpec.from(ConfigLoader.parse(yaml, "<test>"));
    }
}
