package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import dev.vaelab.data.Catalog;
import dev.vaelab.data.Checksum;
import dev.vaelab.data.DataFile;
import dev.vaelab.data.DatasetSpec;
import dev.vaelab.data.Split;
import dev.vaelab.tracking.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab run} on generated IDX files, so the whole path (checksums, IDX reading, training,
 * evaluation) is tested without any dataset on disk. The images are 10 random binary templates
 * with 5% of their pixels flipped: a model that knows the template and the flip rate needs
 * log 10 + 784·H(0.05) ≈ 158 nats per image, an untrained one about 543.
 */
class SyntheticDataRunTest {
    private static final int SIDE = 28;
    private static final int PIXELS = SIDE * SIDE;
    private static final double FLIP = 0.05;

    @TempDir
    Path dir;

    @Test
    void trainsOnGeneratedIdxFilesToAStatedLoss() throws Exception {
        Path root = dir.resolve("data");
        Files.createDirectories(root.resolve("mnist"));
        Random random = new Random(42);
        boolean[][] templates = new boolean[10][PIXELS];
        for (boolean[] t : templates) {
            for (int i = 0; i < PIXELS; i++) {
                t[i] = random.nextDouble() < 0.3;
            }
        }
        List<DataFile> files = new ArrayList<>();
        files.addAll(writeSplit(root, "train", Split.TRAIN, 6000, templates, random));
        files.addAll(writeSplit(root, "t10k", Split.TEST, 1000, templates, random));
        DatasetSpec mnist = new Catalog().get(Catalog.MNIST);
        DatasetSpec synthetic = new DatasetSpec(mnist.name(), mnist.directory(), mnist.format(), files, mnist.shape(),
                mnist.labelNames(), true,
                List.of(java.net.URI.create("http://127.0.0.1:9/never-used/"))); // the files are already in place
        Injector injector = Bootstrap.injector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(Catalog.class).toInstance(new Catalog().with(synthetic));
            }
        });
        Path yaml = dir.resolve("synthetic.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: synthetic",
                "data: {dataset: mnist, binarize: none, validation: 1000}",
                "model: {type: vae, latent_dim: 8, encoder: {type: mlp, hidden: [128]}, decoder: {type: mlp, hidden: [128]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 4, batch_size: 50, optimizer: {type: adam, lr: 3.0e-3}}",
                "log: {every_steps: 20, grids_every_epochs: 0}",
                "export: {onnx: false}", ""));
        StringWriter err = new StringWriter();
        int code = Main.execute(injector, new PrintWriter(err, true), "run", yaml.toString(),
                "--data-dir", root.toString(), "--results", dir.resolve("results").toString(), "--threads", "2");
        assertEquals(0, code, err.toString());
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("results/synthetic"))) {
            run = runs.findFirst().orElseThrow();
        }
        Map<String, Double> summary = RunStore.open(run).readSummary();
        double optimum = Math.log(10) - PIXELS * (FLIP * Math.log(FLIP) + (1 - FLIP) * Math.log(1 - FLIP));
        double testElbo = summary.get("test/elbo");
        assertTrue(testElbo < -optimum, "the ELBO " + testElbo + " cannot beat the true log-likelihood " + -optimum);
        assertTrue(testElbo > -optimum - 45, "test ELBO " + testElbo + " is more than 45 nats from the optimum " + -optimum);
    }

    /** Writes {prefix}-images-idx3-ubyte.gz and {prefix}-labels-idx1-ubyte.gz, returning their catalog entries. */
    private static List<DataFile> writeSplit(Path root, String prefix, Split split, int count, boolean[][] templates,
                                             Random random) throws IOException {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        try (DataOutputStream im = new DataOutputStream(images); DataOutputStream lb = new DataOutputStream(labels)) {
            im.writeInt(0x00000803);
            im.writeInt(count);
            im.writeInt(SIDE);
            im.writeInt(SIDE);
            lb.writeInt(0x00000801);
            lb.writeInt(count);
            for (int n = 0; n < count; n++) {
                int label = random.nextInt(10);
                lb.writeByte(label);
                for (int i = 0; i < PIXELS; i++) {
                    boolean on = templates[label][i] ^ (random.nextDouble() < FLIP);
                    im.writeByte(on ? 255 : 0);
                }
            }
        }
        return List.of(write(root, prefix + "-images-idx3-ubyte.gz", images.toByteArray(), split, DataFile.Content.IMAGES),
                write(root, prefix + "-labels-idx1-ubyte.gz", labels.toByteArray(), split, DataFile.Content.LABELS));
    }

    private static DataFile write(Path root, String name, byte[] raw, Split split, DataFile.Content content) throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(raw);
        }
        byte[] bytes = gz.toByteArray();
        Files.write(root.resolve("mnist").resolve(name), bytes);
        try {
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
            return new DataFile(name, name, bytes.length, Checksum.md5(md5), split, content);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
