package dev.vaelab.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX and amat files for the tests, and computes their checksums. */
final class TestFiles {
    private TestFiles() {}

    /** An IDX file's bytes: the magic, the dimensions and the payload, with nothing checked. */
    static byte[] idx(int magic, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(payload);
        return b.array();
    }

    static byte[] idxImages(int count, int rows, int cols, byte[] pixels) {
        return idx(IdxReader.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
    }

    static byte[] idxLabels(int[] labels) {
        byte[] payload = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            payload[i] = (byte) labels[i];
        }
        return idx(IdxReader.LABELS_MAGIC, new int[] {labels.length}, payload);
    }

    /** Binary images as amat text: one image per line, values separated by single spaces. */
    static byte[] amat(byte[] binaryPixels, int perLine) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < binaryPixels.length; i += perLine) {
            for (int j = 0; j < perLine; j++) {
                sb.append(j == 0 ? "" : " ").append(binaryPixels[i + j] == 0 ? '0' : '1');
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] data) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String md5(byte[] data) {
        return digest("MD5", data);
    }

    static String sha256(byte[] data) {
        return digest("SHA-256", data);
    }

    private static String digest(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static int[] randomLabels(long seed, int n, int classes) {
        return new SplittableRandom(seed).ints(n, 0, classes).toArray();
    }

    /** The files of a small IDX dataset "tiny" in memory, gzip-compressed, with a spec whose checksums match them. */
    record TinyIdx(DatasetSpec spec, List<byte[]> gzFiles, byte[] trainPixels, int[] trainLabels, byte[] testPixels, int[] testLabels) {
        /** Writes every file into {@code root}. */
        void writeTo(DataRoot root) {
            for (int i = 0; i < spec.files().size(); i++) {
                write(root.directory(spec).resolve(spec.files().get(i).name()), gzFiles.get(i));
            }
        }
    }

    static final List<String> TINY_LABELS = List.of("a", "b", "c");

    /** 4x5 grayscale images, 3 classes, random pixels and labels. */
    static TinyIdx tinyIdx(int trainCount, int testCount, List<URI> mirrors) {
        byte[] trainPixels = randomBytes(1, trainCount * 20);
        int[] trainLabels = randomLabels(2, trainCount, 3);
        byte[] testPixels = randomBytes(3, testCount * 20);
        int[] testLabels = randomLabels(4, testCount, 3);
        List<byte[]> gz = List.of(
                gzip(idxImages(trainCount, 4, 5, trainPixels)),
                gzip(idxLabels(trainLabels)),
                gzip(idxImages(testCount, 4, 5, testPixels)),
                gzip(idxLabels(testLabels)));
        DatasetSpec spec = idxSpec(gz, mirrors);
        return new TinyIdx(spec, gz, trainPixels, trainLabels, testPixels, testLabels);
    }

    /** An IDX spec "tiny" of 4x5 images and 3 classes whose checksums match the given gzip files (train images, train labels, test images, test labels). */
    static DatasetSpec idxSpec(List<byte[]> gz, List<URI> mirrors) {
        String[] names = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
        List<DataFile> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            files.add(new DataFile(names[i], names[i], gz.get(i).length, Checksum.md5(md5(gz.get(i))),
                    i < 2 ? Split.TRAIN : Split.TEST, i % 2 == 0 ? DataFile.Content.IMAGES : DataFile.Content.LABELS));
        }
        return new DatasetSpec("tiny", "tiny", DatasetSpec.Format.IDX, files, new ImageShape(1, 4, 5), TINY_LABELS, false, mirrors);
    }
}
