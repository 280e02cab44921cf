package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.data.DataModule;
import dev.vaelab.data.DataRoot;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetCache;
import dev.vaelab.data.DatasetRegistry;
import dev.vaelab.data.Downloader;
import dev.vaelab.data.ImageSet;
import dev.vaelab.data.LoadContext;
import dev.vaelab.export.DecoderFile;
import dev.vaelab.export.EncoderFile;
import dev.vaelab.export.ExportRequest;
import dev.vaelab.export.Images;
import dev.vaelab.export.LatentsCsv;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.ModelValidator;
import dev.vaelab.export.OnnxExporter;
import dev.vaelab.export.SampleGrids;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.tracking.ImageGrid;
import dev.vaelab.zoo.ZooModule;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.model.ModelFactory;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.network.ImageDims;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab sample} and {@code vaelab encode} on an RGB 3x32x32 conv VAE (exported from its
 * initial parameters; no training needed to check the plumbing): {@code sample} writes an RGB grid
 * of the decoder's means, {@code encode} of an RGB PNG gives the codes of the pixels it holds, and
 * a picture of the wrong size or colour is one line that says what the model takes.
 */
class ColourCommandsTest {
    private static final ImageDims RGB = new ImageDims(3, 32, 32);
    private static final ImageDims GREY = new ImageDims(1, 32, 32);

    @TempDir
    Path dir;

    private final Injector injector = Bootstrap.injector();

    @Test
    void sampleDrawsInColourAndEncodeReadsAnRgbPng() throws IOException {
        Path model = export(RGB, "rgb");
        Path samples = dir.resolve("samples.png");
        assertEquals(0, cli("sample", "--decoder", model.resolve("decoder.onnx").toString(), "--n", "4",
                "--out", samples.toString()).code());
        BufferedImage grid = ImageIO.read(samples.toFile());
        assertEquals(3, grid.getRaster().getNumBands(), "an RGB grid");
        assertEquals(2 + 2 * (2 * 32 + 2), grid.getWidth());
        // the grid's pixels are the decoder's means for the run's prior draws, red, green and blue
        try (DecoderFile decoder = DecoderFile.open(model.resolve("decoder.onnx"), 1)) {
            float[] z = SampleGrids.priorDraws(decoder.card().seed(), 4, decoder.card().latentDim());
            float[] mean = decoder.mean(z, 4, Optional.empty(), "--label");
            int tile = 3 * 32 * 32;
            for (int i = 0; i < 4; i++) {
                int left = 2 + (i % 2) * 66;
                int top = 2 + (i / 2) * 66;
                for (int c = 0; c < 3; c++) {
                    int y = 5;
                    int x = 7;
                    int rgb = grid.getRGB(left + 2 * x, top + 2 * y);
                    int level = rgb >> (16 - 8 * c) & 0xff;
                    assertEquals(ImageGrid.level(mean[i * tile + (c * 32 + y) * 32 + x]), level,
                            "sample " + i + " channel " + c);
                }
            }
        }

        // one RGB picture of the model's size, encoded from the PNG and from its pixels
        Random random = new Random(3);
        BufferedImage picture = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        float[] pixels = new float[3 * 32 * 32];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int r = random.nextInt(256);
                int g = random.nextInt(256);
                int b = random.nextInt(256);
                picture.setRGB(x, y, r << 16 | g << 8 | b);
                pixels[y * 32 + x] = r / 255f;
                pixels[1024 + y * 32 + x] = g / 255f;
                pixels[2048 + y * 32 + x] = b / 255f;
            }
        }
        Path png = dir.resolve("picture.png");
        ImageIO.write(picture, "png", png.toFile());
        Path csv = dir.resolve("codes.csv");
        assertEquals(0, cli("encode", "--encoder", model.resolve("encoder.onnx").toString(), "--input", png.toString(),
                "--out", csv.toString()).code());
        try (EncoderFile encoder = EncoderFile.open(model.resolve("encoder.onnx"), 1)) {
            float[] direct = encoder.encode(new Images(pixels, 1, 3, 32, 32), Optional.empty(), "--label").mu();
            assertArrayEquals(direct, LatentsCsv.read(csv, encoder.card().latentDim()).z());
        }

        // the wrong size, and a colour picture for a grey model: one line saying what the model takes
        BufferedImage small = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Path smallPng = dir.resolve("small.png");
        ImageIO.write(small, "png", smallPng.toFile());
        fails("the model takes 3x32x32 images", "encode", "--encoder", model.resolve("encoder.onnx").toString(),
                "--input", smallPng.toString(), "--out", csv.toString());
        Path grey = export(GREY, "grey");
        fails("is in colour; the model takes 1x32x32 images", "encode", "--encoder",
                grey.resolve("encoder.onnx").toString(), "--input", png.toString(), "--out", csv.toString());
    }

    @Test
    void encodeReadsPicturesAsTheImageFolderDatasetPreparesThemForTraining() throws IOException {
        Path model = export(RGB, "rgb");
        String encoder = model.resolve("encoder.onnx").toString();
        // a folder with its own split, two classes, four formats, no picture of the model's size or shape
        Path folder = dir.resolve("pictures");
        picture(folder.resolve("train/cat/t.png"), 20, 30, "png", 1);
        picture(folder.resolve("train/dog/u.png"), 30, 20, "png", 2);
        String[] names = {"cat/a.png", "cat/b.jpg", "dog/c.bmp", "dog/d.gif"};
        int[][] sizes = {{40, 36}, {33, 50}, {64, 48}, {31, 31}};
        for (int i = 0; i < names.length; i++) {
            picture(folder.resolve("test/" + names[i]), sizes[i][0], sizes[i][1], names[i].substring(6), 10 + i);
        }
        // what a run on that folder trains and tests on: the image-folder dataset's own test images
        DatasetRegistry registry = Guice.createInjector(new DataModule()).getInstance(DatasetRegistry.class);
        Dataset dataset = registry.resolve(ConfigLoader.parse("data: {dataset: image-folder, path: '" + folder
                        + "', image_size: 32, channels: 3, validation: 0}\n", "x.yaml").map("data"))
                .load(new LoadContext(new DataRoot(dir.resolve("data")), Downloader.standard(),
                        DatasetCache.under(dir.resolve("cache")), new RandomStreams(2)));
        ImageSet test = dataset.test();
        assertEquals(4, test.count());
        float[] pixels = new float[4 * 3 * 32 * 32];
        for (int e = 0; e < 4; e++) {
            for (int i = 0; i < 3 * 32 * 32; i++) {
                pixels[e * 3 * 32 * 32 + i] = test.pixel(e, i) / 255f;
            }
        }

        Path csv = dir.resolve("test.csv");
        // one thread, as the direct encoding below: ORT splits a batch's products by thread, each its own float sums
        assertEquals(0, cli("encode", "--encoder", encoder, "--input", folder.resolve("test").toString(), "--threads", "1",
                "--out", csv.toString()).code());
        try (EncoderFile file = EncoderFile.open(Path.of(encoder), 1)) {
            assertArrayEquals(file.encode(new Images(pixels, 4, 3, 32, 32), Optional.empty(), "--label").mu(),
                    LatentsCsv.read(csv, 3).z(), "the codes of the pictures the dataset made");
            float[] third = Arrays.copyOfRange(pixels, 2 * 3 * 32 * 32, 3 * 3 * 32 * 32);
            Path one = dir.resolve("one.csv");
            assertEquals(0, cli("encode", "--encoder", encoder, "--input", folder.resolve("test/dog/c.bmp").toString(),
                    "--threads", "1", "--out", one.toString()).code());
            assertArrayEquals(file.encode(new Images(third, 1, 3, 32, 32), Optional.empty(), "--label").mu(),
                    LatentsCsv.read(one, 3).z(), "one BMP");
            assertTrue(Files.readAllLines(one).get(1).startsWith("c.bmp,"), "named, without a label");
        }
        // each row names its picture; the class folders, sorted, are the labels
        List<String> rows = Files.readAllLines(csv);
        assertTrue(rows.get(0).startsWith("file,label,mu_0,"), rows.get(0));
        for (int i = 0; i < names.length; i++) {
            assertTrue(rows.get(i + 1).startsWith(names[i] + "," + (i < 2 ? 0 : 1) + ","), rows.get(i + 1));
        }
        // the whole folder: train/ then test/, named so; --limit before decoding
        Path all = dir.resolve("all.csv");
        assertEquals(0, cli("encode", "--encoder", encoder, "--input", folder.toString(), "--limit", "3",
                "--out", all.toString()).code());
        assertEquals(List.of("train/cat/t.png", "train/dog/u.png", "test/cat/a.png"),
                Files.readAllLines(all).stream().skip(1).map(r -> r.substring(0, r.indexOf(','))).toList());

        // a picture that does not decode, a folder without pictures: one line naming it
        Files.write(folder.resolve("test/dog/e.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1, 2, 3});
        fails("e.jpg: ", "encode", "--encoder", encoder, "--input", folder.resolve("test").toString(), "--out", csv.toString());
        fails("fix or remove it", "encode", "--encoder", encoder, "--input", folder.resolve("test/dog/e.jpg").toString(),
                "--out", csv.toString());
        Files.createDirectories(dir.resolve("empty"));
        fails("holds no images", "encode", "--encoder", encoder, "--input", dir.resolve("empty").toString(), "--out", csv.toString());
    }

    @Test
    void encodeReadsNumpyArraysAsTheNumpyDatasetReadsThem() throws IOException {
        Path model = export(RGB, "rgb");
        String encoder = model.resolve("encoder.onnx").toString();
        int count = 5;
        int size = 3 * 32 * 32;
        byte[] levels = new byte[count * size];
        new Random(8).nextBytes(levels);
        float[] pixels = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            pixels[i] = (levels[i] & 0xff) / 255f;
        }
        try (EncoderFile file = EncoderFile.open(Path.of(encoder), 1)) {
            // uint8 [N, 3, 32, 32], as sample --out FILE.npy writes it, and the same array as an .npz member
            ByteArrayOutputStream npy = new ByteArrayOutputStream();
            npy.write(dev.vaelab.export.NpyImages.header(count, file.card()));
            npy.write(levels);
            Path array = dir.resolve("images.npy");
            Files.write(array, npy.toByteArray());
            Path archive = dir.resolve("images.npz");
            ByteBuffer classes = ByteBuffer.allocate(8 * count).order(ByteOrder.LITTLE_ENDIAN);
            for (long label : new long[] {2, 0, 1, 1, 0}) {
                classes.putLong(label);
            }
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
                zip.putNextEntry(new ZipEntry("pics.npy"));
                zip.write(npy.toByteArray());
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry("y.npy"));
                zip.write(npyHeader("<i8", "(" + count + ",)"));
                zip.write(classes.array());
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry("f.npy"));
                zip.write(npyHeader("<f4", "(" + count + ",)"));
                zip.write(new byte[4 * count]);
                zip.closeEntry();
            }
            float[] direct = file.encode(new Images(pixels, count, 3, 32, 32), Optional.empty(), "--label").mu();
            Path csv = dir.resolve("npy.csv");
            assertEquals(0, cli("encode", "--encoder", encoder, "--input", array.toString(), "--threads", "1",
                    "--out", csv.toString()).code());
            assertArrayEquals(direct, LatentsCsv.read(csv, 3).z(), ".npy");
            assertEquals(0, cli("encode", "--encoder", encoder, "--input", archive.toString(), "--images", "pics",
                    "--threads", "1", "--out", csv.toString()).code());
            assertArrayEquals(direct, LatentsCsv.read(csv, 3).z(), ".npz");
            assertEquals(0, cli("encode", "--encoder", encoder, "--input", archive.toString(), "--images", "pics",
                    "--labels-key", "y", "--threads", "1", "--out", csv.toString()).code());
            assertArrayEquals(new int[] {2, 0, 1, 1, 0}, LatentsCsv.read(csv, 3).labels().orElseThrow(), "its labels");
            fails("--labels-key f: ", "encode", "--encoder", encoder, "--input", archive.toString(), "--images", "pics",
                    "--labels-key", "f", "--out", csv.toString());
            fails("--labels-key names an array of an .npz input", "encode", "--encoder", encoder, "--input",
                    array.toString(), "--labels-key", "y", "--out", csv.toString());
            assertEquals(0, cli("encode", "--encoder", encoder, "--input", array.toString(), "--limit", "2",
                    "--threads", "1", "--out", csv.toString()).code());
            assertEquals(2, LatentsCsv.read(csv, 3).count());

            fails("has no array 'images'; it holds pics, y, f; name the array with --images KEY", "encode",
                    "--encoder", encoder, "--input", archive.toString(), "--out", csv.toString());
            Path grey = export(GREY, "grey");
            fails("holds 3x32x32 images (channels x rows x columns); the model takes 1x32x32", "encode", "--encoder",
                    grey.resolve("encoder.onnx").toString(), "--input", array.toString(), "--out", csv.toString());
        }
    }

    /** A NumPy format 1.0 header of {@code descr} and {@code shape}, padded as NumPy pads it. */
    private static byte[] npyHeader(String descr, String shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int padded = (10 + dict.length() + 1 + 63) / 64 * 64;
        String text = dict + " ".repeat(padded - 10 - dict.length() - 1) + "\n";
        ByteBuffer out = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        out.put(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.array();
    }

    /** A {@code width × height} picture of smooth colours (seeded), written as {@code format}. */
    private static void picture(Path file, int width, int height, String format, long seed) throws IOException {
        Random random = new Random(seed);
        int r0 = random.nextInt(128);
        int g0 = random.nextInt(128);
        BufferedImage image = new BufferedImage(width, height,
                format.equals("gif") ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (r0 + 2 * x) << 16 | (g0 + 3 * y) << 8 | (x * y) % 256);
            }
        }
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, file.toFile()), format);
    }

    /** A conv VAE at {@code image}, exported from its initial parameters into {@code dir/name}. */
    private Path export(ImageDims image, String name) throws IOException {
        Injector zoo = Guice.createInjector(new ZooModule(), new HeadsModule());
        LikelihoodHead head = zoo.getInstance(Key.get(new TypeLiteral<Map<String, HeadFactory>>() { }))
                .get("bernoulli").create(spec("{type: bernoulli}"));
        String network = "{type: conv, channels: [8, 16], hidden: [32]}";
        VaeModel model = zoo.getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory>>() { })).get("vae")
                .create(spec("{type: vae, latent_dim: 3, encoder: " + network + ", decoder: " + network + "}"),
                        new ModelContext(image, 0, head.outputsPerPixel()));
        VaeGraphs graphs = new VaeGraphs(model, head, image.size(), 0);
        ModelCard card = new ModelCard("test", "test-run-id", name, "vae", false, 3,
                List.of(image.channels(), image.height(), image.width()), "none", "bernoulli", List.of(),
                "name: " + name + "\nseed: 2\n");
        Path out = Files.createDirectories(dir.resolve(name));
        new OnnxExporter(new ModelValidator()).write(new ExportRequest(graphs,
                ExportFixtures.initialParameters(graphs, image.size(), 0, 9), card), out);
        return out;
    }

    private Result cli(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(injector, new PrintWriter(err, true), args);
        assertFalse(err.toString().contains("\tat "), "a stack trace: " + err);
        return new Result(code, err.toString());
    }

    private record Result(int code, String err) {
    }

    private void fails(String expected, String... args) {
        Result r = cli(args);
        assertEquals(1, r.code(), String.join(" ", args) + " -> " + r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("error: ") && line.contains(expected), "expected '" + expected + "' in: " + line);
    }

    private static ComponentSpec spec(String yaml) {
        return ComponentSpec.from(ConfigLoader.parse(yaml, "<test>"));
    }
}
