package dev.vaelab.data.numpy;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.error.DataException;
import dev.vaelab.data.Checksum;
import dev.vaelab.data.DataFile;
import dev.vaelab.data.DataSpec;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.DatasetProvider;
import dev.vaelab.data.DatasetSource;
import dev.vaelab.data.DatasetSpec;
import dev.vaelab.data.Factor;
import dev.vaelab.data.ImageShape;
import dev.vaelab.data.ImageStore;
import dev.vaelab.data.Split;
import dev.vaelab.data.Splits;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * {@code dataset: dsprites}: DeepMind's dSprites ({@code dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz}
 * as published): 737,280 binary 64×64 images of every combination of its factors shape (square,
 * ellipse, heart), scale (6 values in [0.5, 1]), orientation (40 values in [0, 2π]), posX and posY (32
 * values each in [0, 1]), taken from columns 1 to 5 of {@code latents_classes} (column 0, colour, is
 * always white). {@code test_fraction} holds out a seeded test split (default 0.1).
 *
 * <p>A missing file is downloaded into {@code <data root>/dsprites/} like MNIST's. DeepMind publishes
 * neither its size nor a checksum, so the download is verified by the MD5 that other loaders pin
 * ({@link #MD5}) and cut off at {@link #MAX_BYTES}; a file put there by hand is verified by the same MD5
 * before its images are first converted into the cache. The
 * factor values are dSprites' own ({@code latents_values}): its 40 orientations include 2π, unlike
 * those of {@code sprites}.
 */
public final class DspritesProvider implements DatasetProvider {
    public static final String NAME = "dsprites";
    public static final String FILE_NAME = "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz";
    /** Where DeepMind publishes it: the dsprites-dataset repository on GitHub. */
    public static final URI MIRROR = URI.create("https://github.com/deepmind/dsprites-dataset/raw/master/");
    public static final String URL = MIRROR + FILE_NAME;
    /** The file is about 26 MB; the limit only keeps a hostile server from filling the disk. */
    static final long MAX_BYTES = 100_000_000L;
    /**
     * DeepMind publishes no checksum. This MD5 is the one that independent loaders of the same URL pin
     * (torchvision-style dataset classes, disentanglement libraries, vaetc), so a file that matches it
     * is the file everyone else trains on.
     */
    static final String MD5 = "7da33b31b13a06f4b04a70402ce90c2e";
    static final int SIDE = 64;
    /** The factors' columns in {@code latents_classes}: 0 is colour, which has one value. */
    private static final int[] COLUMNS = {1, 2, 3, 4, 5};

    public static final List<Factor> FACTORS = List.of(
            new Factor("shape", List.of(1.0, 2.0, 3.0)),
            new Factor("scale", Factor.linspace(0.5, 1.0, 6, true)),
            new Factor("orientation", Factor.linspace(0, 2 * Math.PI, 40, true)),
            new Factor("posX", Factor.linspace(0, 1, 32, true)),
            new Factor("posY", Factor.linspace(0, 1, 32, true)));
    public static final DatasetInfo INFO = new DatasetInfo(NAME, new ImageShape(1, SIDE, SIDE), List.of(), FACTORS, true);

    private final Checksum checksum;
    private final DatasetSpec spec;

    @Inject
    public DspritesProvider() {
        this(Checksum.md5(MD5), List.of(MIRROR));
    }

    /** A provider that expects another file from other mirrors: tests with a generated one, sites with a local copy. */
    DspritesProvider(Checksum checksum, List<URI> mirrors) {
        this.checksum = checksum;
        DataFile file = DataFile.ofUnknownSize(FILE_NAME, MAX_BYTES, checksum, Split.TRAIN, DataFile.Content.IMAGES);
        this.spec = new DatasetSpec(NAME, NAME, DatasetSpec.Format.ARCHIVE, List.of(file), INFO.shape(), List.of(), true, mirrors);
    }

    @Override
    public DatasetSource configure(ConfigMap data, DataSpec common) {
        double testFraction = DataSpec.testFraction(data);
        return DatasetSource.of(INFO, context -> {
            Path directory = context.dataRoot().directory(spec);
            Path file = directory.resolve(FILE_NAME);
            boolean downloaded = false;
            if (!Files.isRegularFile(file)) {
                file = context.downloader().download(spec, spec.files().get(0), directory);
                downloaded = true;
            }
            String key = "v" + NumpyProvider.FORMAT_VERSION + "-" + checksum.hex();
            if (!downloaded && !Files.exists(context.cache().directory(NAME, key).resolve(ImageStore.FILE_NAME))) {
                // Verified before it is parsed, so a damaged download is reported as such rather than as a format error.
                verify(file);
            }
            NumpyContent content = read(file);
            ImageStore store = context.cache().store(NAME, key, content.layout(), content::write);
            return Splits.heldOut(INFO, store.images(List.of(), FACTORS), testFraction, common.validation(), context.streams());
        });
    }

    private static NumpyContent read(Path file) {
        NpzFile npz = NpzFile.open(file);
        NpyArray imgs = npz.array("imgs");
        long[] shape = imgs.shape();
        if (!imgs.dtype().isUint8() || shape.length != 3 || shape[1] != SIDE || shape[2] != SIDE) {
            throw imgs.error("expected uint8 images of shape (N, 64, 64) as dSprites publishes them, found " + imgs.header());
        }
        NpyArray classes = npz.array("latents_classes");
        if (classes.rank() != 2 || classes.shape()[1] != 6) {
            throw classes.error("expected dSprites' 6 latent classes per image, shape (N, 6), found " + classes.header());
        }
        NumpyContent content = NumpyContent.read(imgs, Optional.of(ImageLayout.NHW), Optional.empty(), Optional.of(classes), COLUMNS,
                FACTORS.stream().map(Factor::name).toList());
        for (int f = 0; f < FACTORS.size(); f++) {
            if (content.factors().get(f).classes() > FACTORS.get(f).classes()) {
                throw classes.error("column " + COLUMNS[f] + " (" + FACTORS.get(f).name() + ") has class " + (content.factors().get(f).classes() - 1)
                        + ", dSprites' " + FACTORS.get(f).name() + " classes are 0 to " + (FACTORS.get(f).classes() - 1));
            }
        }
        return content;
    }

    private void verify(Path file) {
        MessageDigest digest = checksum.newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage());
        }
        byte[] actual = digest.digest();
        if (!checksum.matches(actual)) {
            throw new DataException(file + ": checksum mismatch: expected " + checksum.describe() + ", got "
                    + java.util.HexFormat.of().formatHex(actual) + "; delete the file and download " + URL + " again");
        }
    }
}
