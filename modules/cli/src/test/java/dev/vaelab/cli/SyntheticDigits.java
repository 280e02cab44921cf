package dev.vaelab.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import dev.vaelab.data.Catalog;
import dev.vaelab.data.Checksum;
import dev.vaelab.data.DataFile;
import dev.vaelab.data.DatasetSpec;
import dev.vaelab.data.Split;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Generated MNIST-layout IDX files, so that tests run the whole data path without any dataset on
 * disk: 10 random binary templates (30% of pixels on), each image one of them with {@link #FLIP} of
 * its pixels flipped, optionally with grey levels instead of pure black and white.
 */
final class SyntheticDigits {
    static final int SIDE = 28;
    static final int PIXELS = SIDE * SIDE;
    static final double FLIP = 0.05;

    private SyntheticDigits() {
    }

    /**
     * Writes {@code root/mnist/} with {@code train} training and {@code test} test images, and
     * returns the injector whose catalog's {@code mnist} is these files.
     */
    static Injector injector(Path root, long seed, int train, int test, boolean grey) throws IOException {
        return injector(root, seed, train, test, grey, new com.google.inject.Module[0]);
    }

    /** As above, with {@code extra} modules over the bindings (a test's own head). */
    static Injector injector(Path root, long seed, int train, int test, boolean grey, com.google.inject.Module... extra)
            throws IOException {
        Files.createDirectories(root.resolve("mnist"));
        Random random = new Random(seed);
        boolean[][] templates = new boolean[10][PIXELS];
        for (boolean[] t : templates) {
            for (int i = 0; i < PIXELS; i++) {
                t[i] = random.nextDouble() < 0.3;
            }
        }
        List<DataFile> files = new ArrayList<>();
        files.addAll(writeSplit(root, "train", Split.TRAIN, train, templates, random, grey));
        files.addAll(writeSplit(root, "t10k", Split.TEST, test, templates, random, grey));
        DatasetSpec mnist = new Catalog().get(Catalog.MNIST);
        DatasetSpec synthetic = new DatasetSpec(mnist.name(), mnist.directory(), mnist.format(), files, mnist.shape(),
                mnist.labelNames(), !grey, List.of(URI.create("http://127.0.0.1:9/never-used/"))); // files in place
        com.google.inject.Module catalog = new AbstractModule() {
            @Override
            protected void configure() {
                bind(Catalog.class).toInstance(new Catalog().with(synthetic));
            }
        };
        com.google.inject.Module[] modules = java.util.Arrays.copyOf(extra, extra.length + 1);
        modules[extra.length] = catalog;
        return Bootstrap.injector(modules);
    }

    private static List<DataFile> writeSplit(Path root, String prefix, Split split, int count, boolean[][] templates,
                                             Random random, boolean grey) throws IOException {
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
                    im.writeByte(grey ? (on ? 255 - random.nextInt(40) : random.nextInt(40)) : (on ? 255 : 0));
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
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
