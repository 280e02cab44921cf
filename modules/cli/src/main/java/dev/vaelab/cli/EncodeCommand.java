package dev.vaelab.cli;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.data.numpy.NpyImages;
import dev.vaelab.export.ArrayInputs;
import dev.vaelab.export.EncoderFile;
import dev.vaelab.export.GridPngReader;
import dev.vaelab.export.IdxFiles;
import dev.vaelab.export.ImageInputs;
import dev.vaelab.export.Images;
import dev.vaelab.export.Labels;
import dev.vaelab.export.Latents;
import dev.vaelab.export.LatentsCsv;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.PictureFolder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vaelab encode --encoder encoder.onnx --input images --out latents.csv}: the posterior of
 * each image, from the file and its metadata alone. Images come as an IDX file (MNIST's format), a
 * PNG: one image, or a grid as a run draws it, so the inputs of a run's reconstruction grid can
 * be encoded again and decoded with {@code vaelab sample --latents}; as a NumPy array, read as the
 * numpy dataset reads one ({@link ArrayInputs}); or as pictures, a JPEG, BMP or GIF file or a folder
 * of pictures, prepared as the image-folder dataset prepares its training images
 * ({@link PictureFolder}), each row then naming its picture.
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Encode images with an exported encoder and write their posteriors as CSV.")
final class EncodeCommand implements Callable<Integer> {
    @Option(names = "--encoder", required = true, paramLabel = "FILE", description = "an exported encoder.onnx")
    Path encoder;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "images: an IDX file (.gz or not, as MNIST's), a NumPy .npy or .npz as the numpy dataset "
                    + "reads one (sample's .npy output too), a PNG (one image, or a vaelab grid), a JPEG, BMP or GIF "
                    + "picture, or a folder of pictures as the image-folder dataset reads one (class folders give the "
                    + "label column), each picture resized and centre-cropped to the encoder's square")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "CSV",
            description = "where to write file (pictures), label, mu_*, logvar_* per image")
    Path out;

    @Option(names = "--label", paramLabel = "K", description = "conditional models: the class of every image, by index or name")
    String label;

    @Option(names = "--labels", paramLabel = "FILE", description = "an IDX labels file, one label per image: the "
            + "label column, and a conditional model's class (default for an IDX input: its MNIST-named labels file "
            + "beside it, e.g. t10k-labels-idx1-ubyte.gz for t10k-images-idx3-ubyte.gz, when there is one)")
    Path labelsFile;

    @Option(names = "--layout", paramLabel = "L", defaultValue = "auto",
            description = "how a PNG is laid out: auto, image, tiles or pairs (the input rows of a reconstruction grid)")
    String layout;

    @Option(names = "--images", paramLabel = "KEY", defaultValue = "images",
            description = "the images' array in an .npz input, as the numpy dataset's images key (default: images)")
    String imagesKey;

    @Option(names = "--labels-key", paramLabel = "KEY", description = "an .npz input's [N] integer array of classes, "
            + "as the numpy dataset's labels key: the label column, and a conditional model's class")
    String labelsKey;

    @Option(names = "--limit", paramLabel = "N", description = "encode only the first N images")
    Integer limit;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "ONNX Runtime threads (default: every core)")
    int threads;

    @Override
    public Integer call() {
        GridPngReader.Layout pngLayout = Arrays.stream(GridPngReader.Layout.values())
                .filter(l -> l.name().equalsIgnoreCase(layout)).findFirst()
                .orElseThrow(() -> new VaelabException("--layout " + layout + ": use auto, image, tiles or pairs"));
        if ((label != null ? 1 : 0) + (labelsFile != null ? 1 : 0) + (labelsKey != null ? 1 : 0) > 1) {
            throw new VaelabException("give one of --label, --labels and --labels-key");
        }
        ImageInputs.Format format = ImageInputs.format(input);
        if (labelsKey != null && format != ImageInputs.Format.NPZ) {
            throw new VaelabException("--labels-key names an array of an .npz input, and " + input + " is not one");
        }
        if (limit != null && limit < 1) {
            throw new VaelabException("--limit must be at least 1, got " + limit);
        }
        try (CommandStop stop = CommandStop.ofProcess(); EncoderFile file = EncoderFile.open(encoder, threads)) {
            Optional<PictureFolder> pictures = switch (format) {
                case FOLDER -> Optional.of(PictureFolder.scan(input));
                case PICTURE -> Optional.of(PictureFolder.single(input));
                default -> Optional.empty();
            };
            pictures = pictures.map(p -> limit == null ? p : p.first(limit));
            Images images = pictures.isPresent() ? readPictures(pictures.get(), file.card())
                    : format == ImageInputs.Format.NPY || format == ImageInputs.Format.NPZ ? readArrays(format, file.card())
                    : readImages(file.card(), pngLayout);
            Optional<int[]> labels = Optional.empty();
            String option = "--label";
            Optional<Path> labelsSource = label == null && labelsKey == null
                    ? Optional.ofNullable(labelsFile).or(() -> IdxLabels.besideImages(input)) : Optional.empty();
            Optional<int[]> classFolders = label == null && labelsSource.isEmpty()
                    ? pictures.flatMap(p -> p.labels(file.card())) : Optional.empty();
            if (label != null) {
                labels = Optional.of(Labels.repeat(Labels.parse(label, file.card()), images.count()));
            } else if (labelsKey != null) {
                labels = Optional.of(ArrayInputs.labels(input, labelsKey, images.count()));
                option = "--labels-key " + labelsKey;
            } else if (classFolders.isPresent()) {
                labels = classFolders;
                option = "the class folders of " + input;
            } else if (labelsSource.isPresent()) {
                int[] all = IdxFiles.readLabels(labelsSource.get());
                if (all.length < images.count()) {
                    throw new VaelabException("--labels " + labelsSource.get() + " holds " + all.length + " labels for "
                            + images.count() + " images");
                }
                labels = Optional.of(Arrays.copyOf(all, images.count()));
                option = "--labels " + labelsSource.get();
            }
            // an unconditional model takes no class; the labels then only fill the CSV's label column
            boolean modelTakesLabels = file.card().conditional() || label != null;
            Latents latents = file.encode(images, modelTakesLabels ? labels : Optional.empty(), option);
            stop.check("nothing was written to " + out);
            LatentsCsv.write(out, latents, labels, pictures.map(PictureFolder::names));
            System.out.printf("wrote %s: the posteriors of %d images of %s (%d latent dimensions)%s%n", out,
                    images.count(), input, latents.latentDim(), label != null ? ", label " + label
                            : labelsKey != null ? ", labels from its array " + labelsKey
                            : classFolders.isPresent() ? ", labels from its class folders"
                            : labelsSource.map(l -> ", labels from " + l).orElse(", no labels"));
        }
        return 0;
    }

    /** Pictures are decoded one by one into one array: its size is checked against the heap first. */
    private Images readPictures(PictureFolder pictures, ModelCard card) {
        HeapBudget.ofThisJvm().require(pictures.count() + " pictures of " + input, pictures.count(),
                bytesPerImage((long) card.channels() * card.height() * card.width(), card.latentDim()),
                "encode fewer at a time with --limit, or split the folder");
        return pictures.read(card);
    }

    private Images readArrays(ImageInputs.Format format, ModelCard card) {
        NpyImages arrays = ArrayInputs.open(input, format == ImageInputs.Format.NPZ, imagesKey);
        long count = limit == null ? arrays.count() : Math.min(limit, arrays.count());
        HeapBudget.ofThisJvm().require(count + " images of " + input, count,
                bytesPerImage(arrays.shape().size(), card.latentDim()), "encode fewer at a time with --limit");
        return ArrayInputs.read(input, arrays, card, count);
    }

    /** An IDX file is read whole: its declared size is checked against the heap first. */
    private Images readImages(ModelCard card, GridPngReader.Layout pngLayout) {
        IdxHeader.read(input).ifPresent(declared -> HeapBudget.ofThisJvm().require(declared.images() + " images of "
                + input, declared.images(), bytesPerImage(declared.valuesPerImage(), card.latentDim()), "split the file"));
        Images images = ImageInputs.read(input, card, pngLayout);
        return limit == null ? images : images.first(Math.min(limit, images.count()));
    }

    /** Heap bytes per image: its bytes and floats, its posterior's 2L floats and their CSV text. */
    static long bytesPerImage(long values, long latentDim) {
        return values * (1 + 4) + latentDim * 2 * (4 + 16);
    }
}
