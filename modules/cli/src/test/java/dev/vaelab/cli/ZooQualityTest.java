package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.inject.Injector;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.Catalog;
import dev.vaelab.data.DataRoot;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetLoader;
import dev.vaelab.data.Downloader;
import dev.vaelab.data.ImageSet;
import dev.vaelab.tracking.RunStore;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Issue 3's quality claims on short runs of real MNIST: a CVAE draws the digit it is asked for, a
 * larger β leaves less information in the code, and the importance-weighted bound is tighter than
 * the ELBO and tightens with more samples.
 */
class ZooQualityTest {
    private static final Path DATA = ShortRuns.DATA;
    private static Injector injector;

    @TempDir
    Path dir;

    @BeforeAll
    static void bootstrap() {
        ShortRuns.assumeMnist();
        injector = Bootstrap.injector();
    }

    private Map<String, Double> train(String name, String body) throws Exception {
        ShortRuns.Outcome outcome = new ShortRuns(injector, dir).run(name, "name: " + name + "\n" + body);
        assertEquals(0, outcome.exitCode(), outcome.err());
        return RunStore.open(outcome.run()).readSummary();
    }

    private static Path runDir(Path experiment) throws Exception {
        try (Stream<Path> runs = Files.list(experiment)) {
            return runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void aCvaesClassGridIsRecognisedAsItsRowsLabels() throws Exception {
        Map<String, Double> summary = train("cvae", String.join("\n",
                "seed: 1",
                "data: {dataset: mnist, binarize: dynamic, validation: 1000}",
                "model: {type: cvae, latent_dim: 4, encoder: {type: mlp, hidden: [512]}, decoder: {type: mlp, hidden: [512]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 5, batch_size: 100}",
                "log: {every_steps: 100, grids_every_epochs: 5}", ""));
        Path run = runDir(dir.resolve("results/cvae"));
        assertTrue(Files.exists(run.resolve("grids/classes_e005.png")) && Files.exists(run.resolve("grids/analogies_e005.png")));

        // the class grid's images, decoded from the exported decoder with the grid's own prior draws
        int latent = 4;
        int columns = 10;
        float[] priorZ = new float[64 * latent];
        RandomStreams.fillGaussian(new RandomStreams(1).stream("grid-samples"), priorZ);
        float[] z = new float[10 * columns * latent];
        float[] y = new float[10 * columns * 10];
        int[] labels = new int[10 * columns];
        for (int r = 0; r < 10; r++) {
            for (int c = 0; c < columns; c++) {
                int i = r * columns + c;
                System.arraycopy(priorZ, c * latent, z, i * latent, latent);
                y[i * 10 + r] = 1;
                labels[i] = r;
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] images;
        try (OrtSession decoder = env.createSession(run.resolve("model/decoder.onnx").toString());
             OnnxTensor zt = OnnxTensor.createTensor(env, FloatBuffer.wrap(z), new long[] {100, latent});
             OnnxTensor yt = OnnxTensor.createTensor(env, FloatBuffer.wrap(y), new long[] {100, 10});
             OrtSession.Result r = decoder.run(Map.of("z", zt, "y", yt))) {
            FloatBuffer b = ((OnnxTensor) r.get("mean").orElseThrow()).getFloatBuffer();
            images = new float[b.remaining()];
            b.get(images);
        }

        Dataset mnist = new DatasetLoader(new DataRoot(DATA), Downloader.standard()).load(new Catalog().get("mnist"), 0);
        // multinomial logistic regression trained to convergence on 30000 digits (about 91% on real ones)
        Model<Label> classifier = new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
                new org.tribuo.classification.sgd.objectives.LogMulticlass(),
                new org.tribuo.math.optimisers.AdaGrad(0.2, 0.1), 8, 30000 * 8, 1, 1L).train(pixels(mnist.train(), 30000));
        String[] names = featureNames();
        int correct = 0;
        int[] perRow = new int[10];
        for (int i = 0; i < labels.length; i++) {
            double[] v = new double[784];
            for (int d = 0; d < 784; d++) {
                v[d] = images[i * 784 + d];
            }
            String predicted = classifier.predict(new ArrayExample<>(new Label("?"), names, v)).getOutput().getLabel();
            if (predicted.equals(Integer.toString(labels[i]))) {
                correct++;
                perRow[labels[i]]++;
            }
        }
        double realAccuracy = new org.tribuo.classification.evaluation.LabelEvaluator()
                .evaluate(classifier, pixels(mnist.test(), 2000)).accuracy();
        // the run measures the same thing itself, with the same kind of classifier and the same images
        assertEquals(correct / 100.0, summary.get("probe/class_grid_accuracy"), 0.03);
        assertTrue(summary.get("probe/class_grid_classifier_accuracy") > 0.88, summary.toString());
        assertTrue(correct >= 90, "only " + correct + " of 100 class-grid images were recognised as their row's digit"
                + " (per row " + java.util.Arrays.toString(perRow) + "; the classifier scores " + realAccuracy + " on real test digits)");
    }

    @Test
    void aLargerBetaLeavesLessInformationInTheCode() throws Exception {
        List<Double> kl = new ArrayList<>();
        for (double beta : new double[] {0.5, 1, 4, 16}) {
            kl.add(train("beta" + (int) (beta * 10), String.join("\n",
                    "seed: 2",
                    "data: {dataset: mnist, binarize: dynamic, validation: 1000}",
                    "model: {type: beta-vae, latent_dim: 10, encoder: {type: mlp, hidden: [128]}, decoder: {type: mlp, hidden: [128]}}",
                    "likelihood: {type: bernoulli}",
                    "beta: {type: constant, value: " + beta + "}",
                    "train: {epochs: 1, batch_size: 100}",
                    "log: {every_steps: 100, grids_every_epochs: 0}",
                    "export: {onnx: false}", "")).get("test/kl"));
        }
        for (int i = 1; i < kl.size(); i++) {
            assertTrue(kl.get(i) < kl.get(i - 1), "test KL for β = 0.5, 1, 4, 16 does not fall: " + kl);
        }
    }

    @Test
    void theImportanceWeightedBoundIsTighterThanTheElboAndTightensWithSamples() throws Exception {
        Map<String, Double> s1 = null;
        List<Double> nll = new ArrayList<>();
        double elbo = Double.NaN;
        for (int k : new int[] {1, 10, 200}) {
            Map<String, Double> s = train("iw" + k, String.join("\n",
                    "seed: 3",
                    "data: {dataset: mnist, binarize: dynamic, validation: 1000}",
                    "model: {type: vae, latent_dim: 10, encoder: {type: mlp, hidden: [128]}, decoder: {type: mlp, hidden: [128]}}",
                    "likelihood: {type: bernoulli}",
                    "train: {epochs: 1, batch_size: 100}",
                    "eval: {iw_samples: " + k + "}",
                    "log: {every_steps: 100, grids_every_epochs: 0}",
                    "export: {onnx: false}", ""));
            // training does not depend on eval.iw_samples: every run has the same ELBO
            if (Double.isNaN(elbo)) {
                elbo = s.get("test/elbo");
            }
            assertEquals(elbo, s.get("test/elbo"), 0.0);
            nll.add(s.get("test/nll_iw"));
        }
        // K = 1 estimates -ELBO: over 10000 test images the Monte Carlo gap is a fraction of a nat
        assertEquals(-elbo, nll.get(0), 0.5, "nll_iw with K = 1 " + nll);
        assertTrue(nll.get(1) < -elbo - 0.5 && nll.get(2) < nll.get(1) - 0.5,
                "the bound did not tighten with samples: -ELBO " + -elbo + ", nll_iw for K = 1, 10, 200: " + nll);
    }

    private static MutableDataset<Label> pixels(ImageSet images, int count) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("MNIST pixels", factory), factory);
        String[] names = featureNames();
        FloatBuffer x = FloatBuffer.allocate(784);
        for (int i = 0; i < count; i++) {
            double[] v = new double[784];
            for (int d = 0; d < 784; d++) {
                v[d] = images.pixel(i, d) / 255.0;
            }
            data.add(new ArrayExample<>(new Label(Integer.toString(images.label(i))), names, v));
        }
        return data;
    }

    private static String[] featureNames() {
        String[] names = new String[784];
        for (int d = 0; d < 784; d++) {
            names[d] = String.format("p%03d", d);
        }
        return names;
    }
}
