package dev.vaelab.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.ImageBatch;
import dev.vaelab.tracking.ImageGrid;
import dev.vaelab.tracking.Png;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inputs of {@code vaelab encode} and {@code vaelab sample}: PNG grids, IDX files, labels and latent CSVs. */
class InputFilesTest {
    @TempDir
    Path dir;

    private final Random random = new Random(1);

    @Test
    void aTilesGridReadsBackExactlyWithoutItsEmptyCells() throws IOException {
        float[] pixels = levels(13 * 28 * 28);
        Path png = write("tiles.png", ImageGrid.standard(2).tiles(new ImageBatch(pixels, 13, 1, 28, 28), 4, 4));
        Images read = GridPngReader.read(png, 1, 28, 28, GridPngReader.Layout.AUTO);
        assertEquals(13, read.count());
        assertArrayEquals(pixels, read.pixels());
    }

    @Test
    void aPairsGridReadsItsInputRows() throws IOException {
        float[] inputs = levels(16 * 28 * 28);
        float[] outputs = levels(16 * 28 * 28);
        Path png = write("pairs.png", ImageGrid.standard(2).pairs(new ImageBatch(inputs, 16, 1, 28, 28),
                new ImageBatch(outputs, 16, 1, 28, 28), 2, 8));
        Images read = GridPngReader.read(png, 1, 28, 28, GridPngReader.Layout.AUTO);
        assertArrayEquals(inputs, read.pixels());
    }

    @Test
    void oneRowOfPairsLooksLikeTwoRowsOfTilesAndMustBeNamed() throws IOException {
        float[] inputs = levels(8 * 28 * 28);
        float[] outputs = levels(8 * 28 * 28);
        Path png = write("one-pair.png", ImageGrid.standard(2).pairs(new ImageBatch(inputs, 8, 1, 28, 28),
                new ImageBatch(outputs, 8, 1, 28, 28), 1, 8));
        VaelabException e = assertThrows(VaelabException.class,
                () -> GridPngReader.read(png, 1, 28, 28, GridPngReader.Layout.AUTO));
        assertTrue(e.getMessage().contains("--layout tiles or --layout pairs"), e.getMessage());
        assertArrayEquals(inputs, GridPngReader.read(png, 1, 28, 28, GridPngReader.Layout.PAIRS).pixels());
        assertEquals(16, GridPngReader.read(png, 1, 28, 28, GridPngReader.Layout.TILES).count());
    }

    @Test
    void aSingleImageAndAnRgbGrid() throws IOException {
        float[] one = levels(28 * 28);
        Path single = write("one.png", ImageGrid.standard(1).tiles(new ImageBatch(one, 1, 1, 28, 28), 1, 1));
        // a 1x1 grid at 1x is 32x32 with its padding; the bare image is 28x28
        assertArrayEquals(one, GridPngReader.read(single, 1, 28, 28, GridPngReader.Layout.AUTO).pixels());
        BufferedImage bare = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < one.length; i++) {
            bare.getRaster().setSample(i % 28, i / 28, 0, Math.round(one[i] * 255));
        }
        assertArrayEquals(one, GridPngReader.read(write("bare.png", bare), 1, 28, 28, GridPngReader.Layout.AUTO).pixels());
        float[] colour = levels(3 * 3 * 8 * 8);
        Path rgb = write("rgb.png", ImageGrid.standard(3).tiles(new ImageBatch(colour, 3, 3, 8, 8), 1, 3));
        assertArrayEquals(colour, GridPngReader.read(rgb, 3, 8, 8, GridPngReader.Layout.AUTO).pixels());
        VaelabException e = assertThrows(VaelabException.class,
                () -> GridPngReader.read(rgb, 1, 8, 8, GridPngReader.Layout.AUTO));
        assertTrue(e.getMessage().contains("is in colour; the model takes 1x8x8 images") && e.getMessage()
                .contains("convert the picture to grey first"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        // a magenta pixel is a colour like any other for an RGB model (only a grey one reads it as NaN)
        colour[0] = 1f;
        colour[64] = 0f;
        colour[128] = 1f;
        Path magenta = write("magenta.png", ImageGrid.standard(3).tiles(new ImageBatch(colour, 3, 3, 8, 8), 1, 3));
        assertArrayEquals(colour, GridPngReader.read(magenta, 3, 8, 8, GridPngReader.Layout.AUTO).pixels());
        assertTrue(assertThrows(VaelabException.class, () -> GridPngReader.read(magenta, 1, 8, 8,
                GridPngReader.Layout.AUTO)).getMessage().contains("which vaelab's grids draw for NaN"));
        // a grey picture is an RGB image with equal channels
        Path grey = write("grey.png", ImageGrid.standard(3).tiles(new ImageBatch(levels(3 * 8 * 8), 3, 1, 8, 8), 1, 3));
        Images asRgb = GridPngReader.read(grey, 3, 8, 8, GridPngReader.Layout.AUTO);
        Images asGrey = GridPngReader.read(grey, 1, 8, 8, GridPngReader.Layout.AUTO);
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < 3; c++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(asGrey.pixels(), i * 64, (i + 1) * 64),
                        java.util.Arrays.copyOfRange(asRgb.pixels(), (3 * i + c) * 64, (3 * i + c + 1) * 64));
            }
        }
    }

    @Test
    void aPictureThatIsNotAGridIsRefused() throws IOException {
        BufferedImage noise = new BufferedImage(466, 466, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 466; y++) {
            for (int x = 0; x < 466; x++) {
                noise.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        Path png = write("noise.png", noise);
        VaelabException e = assertThrows(VaelabException.class,
                () -> GridPngReader.read(png, 1, 28, 28, GridPngReader.Layout.AUTO));
        assertTrue(e.getMessage().contains("is neither one 28x28 image nor a vaelab grid"), e.getMessage());
        assertTrue(e.getMessage().contains("the model takes 1x28x28 images (channels x rows x columns"), e.getMessage());
        VaelabException rgb = assertThrows(VaelabException.class,
                () -> GridPngReader.read(png, 3, 64, 64, GridPngReader.Layout.AUTO));
        assertTrue(rgb.getMessage().contains("the model takes 3x64x64 images") && rgb.getMessage().contains("64x64 pixels, RGB"),
                rgb.getMessage());
    }

    @Test
    void idxImagesGzipOrNotAndTheirErrors() throws IOException {
        byte[] raw = new byte[3 * 4 * 5];
        random.nextBytes(raw);
        Path plain = dir.resolve("images-idx3-ubyte");
        Files.write(plain, idx(0x803, new int[] {3, 4, 5}, raw));
        Path gz = dir.resolve("images-idx3-ubyte.gz");
        Files.write(gz, gzip(idx(0x803, new int[] {3, 4, 5}, raw)));
        for (Path p : List.of(plain, gz)) {
            Images images = IdxFiles.readImages(p);
            assertEquals(3, images.count());
            assertEquals("1x4x5", images.shapeText());
            assertEquals((raw[7] & 0xff) / 255f, images.pixels()[7]);
        }
        Path truncated = dir.resolve("truncated");
        Files.write(truncated, java.util.Arrays.copyOf(idx(0x803, new int[] {3, 4, 5}, raw), 40));
        assertTrue(assertThrows(VaelabException.class, () -> IdxFiles.readImages(truncated)).getMessage()
                .contains("is truncated"));
        Path labels = dir.resolve("labels");
        Files.write(labels, idx(0x801, new int[] {3}, new byte[] {1, 2, 9}));
        assertArrayEquals(new int[] {1, 2, 9}, IdxFiles.readLabels(labels));
        assertTrue(assertThrows(VaelabException.class, () -> IdxFiles.readImages(labels)).getMessage()
                .contains("it holds labels"));
    }

    @Test
    void everyGzipStreamIsReadToItsEndWithItsCrcAndLengthChecked() throws IOException {
        byte[] raw = new byte[30 * 4 * 5];
        random.nextBytes(raw);
        byte[] good = gzip(idx(0x803, new int[] {30, 4, 5}, raw));
        Path gz = dir.resolve("crc-images-idx3-ubyte.gz");
        Files.write(gz, good);
        assertEquals(30, IdxFiles.readImages(gz).count());

        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 8] ^= 0x01; // the trailer's CRC-32; the deflate data itself is intact
        Files.write(gz, badCrc);
        String crc = assertThrows(VaelabException.class, () -> IdxFiles.readImages(gz)).getMessage();
        assertTrue(crc.startsWith(gz + " is a damaged gzip file (Corrupt GZIP trailer"), crc);

        byte[] badLength = good.clone();
        badLength[badLength.length - 4] ^= 0x01; // ISIZE, the uncompressed length mod 2^32
        Files.write(gz, badLength);
        assertTrue(assertThrows(VaelabException.class, () -> IdxFiles.readImages(gz)).getMessage()
                .contains("is a damaged gzip file"));

        Files.write(gz, java.util.Arrays.copyOf(good, good.length - 6)); // cut inside the trailer
        assertTrue(assertThrows(VaelabException.class, () -> IdxFiles.readImages(gz)).getMessage()
                .contains(gz + " is "));

        Path labels = dir.resolve("crc-labels-idx1-ubyte.gz");
        byte[] goodLabels = gzip(idx(0x801, new int[] {3}, new byte[] {1, 2, 9}));
        goodLabels[goodLabels.length - 8] ^= 0x01;
        Files.write(labels, goodLabels);
        assertTrue(assertThrows(VaelabException.class, () -> IdxFiles.readLabels(labels)).getMessage()
                .startsWith(labels + " is a damaged gzip file"));

        Path longer = dir.resolve("longer-idx3-ubyte");
        byte[] plain = idx(0x803, new int[] {30, 4, 5}, raw);
        Files.write(longer, java.util.Arrays.copyOf(plain, plain.length + 7));
        assertEquals(longer + ": 7 bytes follow the data its IDX header declares; is it the file it claims to be?",
                assertThrows(VaelabException.class, () -> IdxFiles.readImages(longer)).getMessage());
    }

    @Test
    void labelsByIndexOrNameCheckedAgainstTheCard() {
        ModelCard fashion = new ModelCard("v", "id", "run", "cvae", true, 2, List.of(1, 28, 28), "none", "bernoulli",
                List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                        "Ankle boot"), "seed: 4\n");
        assertEquals(7, Labels.parse("Sneaker", fashion));
        assertEquals(7, Labels.parse("7", fashion));
        assertEquals(4, fashion.seed());
        assertTrue(assertThrows(VaelabException.class, () -> Labels.parse("Hat", fashion)).getMessage()
                .contains("7 = Sneaker"));
        assertTrue(assertThrows(VaelabException.class, () -> Labels.check(Optional.of(new int[] {3, 10}), 2, fashion,
                "--labels f")).getMessage().contains("label 10 of example 1 is out of range"));
        assertTrue(assertThrows(VaelabException.class, () -> Labels.check(Optional.empty(), 2, fashion, "--label"))
                .getMessage().contains("the model is conditional"));
        ModelCard plain = new ModelCard("v", "id", "run", "vae", false, 2, List.of(1, 28, 28), "none", "bernoulli",
                List.of(), "seed: 0\n");
        assertTrue(assertThrows(VaelabException.class, () -> Labels.parse("3", plain)).getMessage()
                .contains("is not conditional"));
    }

    @Test
    void latentCsvRoundTripsFloatsExactly() {
        float[] mu = new float[3 * 2];
        float[] logvar = new float[3 * 2];
        for (int i = 0; i < mu.length; i++) {
            mu[i] = (float) random.nextGaussian() * 1e-3f;
            logvar[i] = (float) random.nextGaussian();
        }
        Path csv = dir.resolve("latents.csv");
        LatentsCsv.write(csv, new Latents(mu, logvar, 3, 2), Optional.of(new int[] {4, 0, 9}), Optional.empty());
        LatentsCsv.Codes codes = LatentsCsv.read(csv, 2);
        assertArrayEquals(mu, codes.z());
        assertArrayEquals(new int[] {4, 0, 9}, codes.labels().orElseThrow());
        assertTrue(assertThrows(VaelabException.class, () -> LatentsCsv.read(csv, 3)).getMessage()
                .contains("has no column mu_2"));
        assertTrue(assertThrows(VaelabException.class, () -> LatentsCsv.read(csv, 1)).getMessage()
                .contains("more than the decoder's 1 dimensions"));
    }

    @Test
    void latentCsvNamesEachPictureQuotedWhereItMustBeAndReadsItBack() throws IOException {
        float[] mu = {0.5f, -1.25f, 3e-7f, 2f, -0f, 1f};
        Path csv = dir.resolve("named.csv");
        List<String> names = List.of("cat/plain.png", "dog/a,b.jpg", "say \"hi\".gif");
        LatentsCsv.write(csv, new Latents(mu, new float[6], 3, 2), Optional.of(new int[] {0, 1, 1}), Optional.of(names));
        List<String> lines = Files.readAllLines(csv);
        assertEquals("file,label,mu_0,mu_1,logvar_0,logvar_1", lines.get(0));
        assertTrue(lines.get(1).startsWith("cat/plain.png,0,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("\"dog/a,b.jpg\",1,"), lines.get(2));
        assertTrue(lines.get(3).startsWith("\"say \"\"hi\"\".gif\",1,"), lines.get(3));
        assertEquals(List.of("say \"hi\".gif", "1", "x"), LatentsCsv.cells("\"say \"\"hi\"\".gif\",1,x"));
        LatentsCsv.Codes codes = LatentsCsv.read(csv, 2);
        assertArrayEquals(mu, codes.z(), "the comma inside the quotes is not a column");
        assertArrayEquals(new int[] {0, 1, 1}, codes.labels().orElseThrow());
        Path open = dir.resolve("open.csv");
        Files.writeString(open, "file,mu_0\n\"a,1\n");
        assertTrue(assertThrows(VaelabException.class, () -> LatentsCsv.read(open, 1)).getMessage()
                .contains("line 2 has a quote that is not closed"));
    }

    @Test
    void pictureClassesAreTheModelsByNameOrTheFoldersInOrder() throws IOException {
        for (String name : List.of("b/1.png", "b/2.png", "a/3.png", "c/4.png")) {
            Path file = dir.resolve("pictures/" + name);
            Files.createDirectories(file.getParent());
            assertTrue(javax.imageio.ImageIO.write(new BufferedImage(3, 5, BufferedImage.TYPE_INT_RGB), "png", file.toFile()));
        }
        PictureFolder folder = PictureFolder.scan(dir.resolve("pictures"));
        assertEquals(List.of("a/3.png", "b/1.png", "b/2.png", "c/4.png"), folder.names());
        ModelCard plain = new ModelCard("v", "id", "run", "vae", false, 2, List.of(1, 4, 4), "none", "bernoulli",
                List.of(), "seed: 0\n");
        assertArrayEquals(new int[] {0, 1, 1, 2}, folder.labels(plain).orElseThrow(), "the folder's own order");
        ModelCard conditional = new ModelCard("v", "id", "run", "cvae", true, 2, List.of(1, 4, 4), "none", "bernoulli",
                List.of("c", "b", "a", "z"), "seed: 0\n");
        assertArrayEquals(new int[] {2, 1, 1, 0}, folder.labels(conditional).orElseThrow(), "the model's classes by name");
        ModelCard other = new ModelCard("v", "id", "run", "cvae", true, 2, List.of(1, 4, 4), "none", "bernoulli",
                List.of("a", "b"), "seed: 0\n");
        assertTrue(assertThrows(VaelabException.class, () -> folder.labels(other)).getMessage()
                .contains("class folder 'c' is not a class of this model (a, b)"));
        assertTrue(PictureFolder.single(dir.resolve("pictures/a/3.png")).labels(conditional).isEmpty());
        // grey 4x4 from a 3x5 black picture: zeros; a model that does not take squares is refused before decoding
        Images grey = folder.first(2).read(plain);
        assertEquals(2, grey.count());
        assertEquals("1x4x4", grey.shapeText());
        for (float v : grey.pixels()) {
            assertEquals(0f, v);
        }
        ModelCard wide = new ModelCard("v", "id", "run", "vae", false, 2, List.of(3, 4, 6), "none", "bernoulli",
                List.of(), "seed: 0\n");
        assertTrue(assertThrows(VaelabException.class, () -> folder.read(wide)).getMessage()
                .contains("this encoder takes 3x4x6 images"));
    }

    private float[] levels(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextInt(256) / 255f;
        }
        return out;
    }

    private Path write(String name, BufferedImage image) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, Png.encode(image));
        return file;
    }

    private static byte[] idx(int magic, int[] dims, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(payload);
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }
}
