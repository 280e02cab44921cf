package dev.vaelab.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.tracking.RunEnvironment;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an exported file says about itself in its {@code vaelab.*} metadata properties, so that
 * another stack can use it with no other knowledge: where it comes from (run, version, config),
 * what it models (model type, latent size, likelihood), and how to feed it (image shape, pixel
 * scaling, channels and their colour order, flattening order, label names). Both files of a run carry the same card; {@code vaelab.role} and the
 * per-file {@code vaelab.inputs}/{@code vaelab.outputs} descriptions are added per file.
 *
 * <p>Values are strings, as ONNX metadata requires; lists are JSON arrays, so that any stack
 * parses them with its JSON library.
 *
 * @param vaelabVersion the vaelab build that exported the file
 * @param runId the run's id ({@code run.json}), or {@code none} for a file exported outside a run
 * @param runName the run's folder name
 * @param modelType the YAML {@code model.type}, e.g. {@code vae}
 * @param conditional whether encoder and decoder take the one-hot label {@code y}
 * @param latentDim L, the size of z
 * @param imageShape channels, height, width of one image
 * @param binarization {@code data.binarize} of the training data (none, static or dynamic), or
 *     {@code binary} for a dataset published as 0/1 pixels
 * @param likelihood the YAML {@code likelihood.type}, e.g. {@code bernoulli}
 * @param labelNames one name per class, in one-hot order; empty for a dataset without labels
 * @param config the resolved experiment config (YAML), defaults included
 */
public record ModelCard(String vaelabVersion, String runId, String runName, String modelType, boolean conditional,
                        int latentDim, List<Integer> imageShape, String binarization, String likelihood,
                        List<String> labelNames, String config) {
    /** The version of this metadata layout; bumped when a key changes meaning. */
    public static final String FORMAT = "1";
    /** How pixels become model inputs: every exported model takes uint8 levels divided by 255. */
    public static final String PIXEL_SCALING = "pixel/255";

    public static final String KEY_FORMAT = "vaelab.format";
    public static final String KEY_ROLE = "vaelab.role";
    public static final String KEY_VERSION = "vaelab.version";
    public static final String KEY_RUN_ID = "vaelab.run_id";
    public static final String KEY_RUN_NAME = "vaelab.run_name";
    public static final String KEY_MODEL = "vaelab.model";
    public static final String KEY_CONDITIONAL = "vaelab.conditional";
    public static final String KEY_LATENT_DIM = "vaelab.latent_dim";
    public static final String KEY_IMAGE_SHAPE = "vaelab.image_shape";
    public static final String KEY_CHANNELS = "vaelab.channels";
    public static final String KEY_COLOR_ORDER = "vaelab.color_order";
    public static final String KEY_INPUT_LAYOUT = "vaelab.input_layout";
    public static final String KEY_PIXEL_SCALING = "vaelab.pixel_scaling";
    public static final String KEY_BINARIZATION = "vaelab.binarization";
    public static final String KEY_LIKELIHOOD = "vaelab.likelihood";
    public static final String KEY_LABEL_NAMES = "vaelab.label_names";
    public static final String KEY_NUM_CLASSES = "vaelab.num_classes";
    public static final String KEY_INPUTS = "vaelab.inputs";
    public static final String KEY_OUTPUTS = "vaelab.outputs";
    public static final String KEY_CONFIG = "vaelab.config";

    /**
     * How one image is flattened into a row of {@code x} and of {@code mean}: channel, then row, then
     * column (row-major [C, H, W], as ONNX's NCHW without the batch axis).
     */
    public static final String INPUT_LAYOUT = "CHW";

    /**
     * Keys spelled out from {@link #KEY_IMAGE_SHAPE} for consumers that would otherwise have to
     * guess them (channel count, colour order, flattening order). Every file vaelab writes has them
     * and {@link VaelabInterfaceCheck} requires them; reading checks them where present, so files
     * written before they existed still load.
     */
    public static final List<String> SHAPE_KEYS = List.of(KEY_CHANNELS, KEY_COLOR_ORDER, KEY_INPUT_LAYOUT);

    /** Every key a valid file carries. */
    public static final List<String> REQUIRED_KEYS = List.of(KEY_FORMAT, KEY_ROLE, KEY_VERSION, KEY_RUN_ID,
            KEY_RUN_NAME, KEY_MODEL, KEY_CONDITIONAL, KEY_LATENT_DIM, KEY_IMAGE_SHAPE, KEY_PIXEL_SCALING,
            KEY_BINARIZATION, KEY_LIKELIHOOD, KEY_LABEL_NAMES, KEY_NUM_CLASSES, KEY_INPUTS, KEY_OUTPUTS, KEY_CONFIG);

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelCard {
        Objects.requireNonNull(vaelabVersion, "vaelabVersion");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(binarization, "binarization");
        Objects.requireNonNull(likelihood, "likelihood");
        Objects.requireNonNull(config, "config");
        imageShape = List.copyOf(imageShape);
        labelNames = List.copyOf(labelNames);
        if (imageShape.size() != 3 || imageShape.stream().anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("image shape must be [C, H, W] with positive sizes, got " + imageShape);
        }
        if (latentDim <= 0) {
            throw new IllegalArgumentException("latent size must be positive, got " + latentDim);
        }
        if (conditional && labelNames.isEmpty()) {
            throw new IllegalArgumentException("a conditional model needs label names");
        }
    }

    /**
     * The card of a run's model: {@code binarize} is the config's {@code data.binarize}, recorded as
     * {@code binary} when the dataset's published pixels are already 0/1 and left as they are.
     */
    public static ModelCard describe(VaeGraphs graphs, DatasetInfo dataset, String binarize, String configYaml,
                                     String runId, String runName) {
        var shape = dataset.shape();
        String binarization = dataset.binary() && binarize.equals("none") ? "binary" : binarize;
        return new ModelCard(RunEnvironment.detect().vaelabVersion(), runId, runName, graphs.model().type(),
                graphs.model().conditional(), graphs.model().latentDim(),
                List.of(shape.channels(), shape.height(), shape.width()), binarization, graphs.head().type(),
                dataset.labelNames(), configYaml);
    }

    /** Values per image, C·H·W: the width of a flattened {@code x} and of {@code mean}. */
    public int imageSize() {
        return imageShape.get(0) * imageShape.get(1) * imageShape.get(2);
    }

    public int channels() {
        return imageShape.get(0);
    }

    public int height() {
        return imageShape.get(1);
    }

    public int width() {
        return imageShape.get(2);
    }

    /**
     * What the channels of an image are: {@code grey} for one channel, {@code RGB} (red, green, blue in
     * that order, sRGB levels as 8-bit images store them) for three, {@code none} for any other count.
     */
    public String colorOrder() {
        return switch (channels()) {
            case 1 -> "grey";
            case 3 -> "RGB";
            default -> "none";
        };
    }

    /** The values of {@link #SHAPE_KEYS}, derived from the image shape. */
    Map<String, String> shapeProperties() {
        return Map.of(KEY_CHANNELS, Integer.toString(channels()), KEY_COLOR_ORDER, colorOrder(),
                KEY_INPUT_LAYOUT, INPUT_LAYOUT);
    }

    public int numClasses() {
        return labelNames.size();
    }

    /** The experiment seed, read from the config: the seed of the run's sample grids. */
    public long seed() {
        ConfigMap root = ConfigLoader.parse(config, KEY_CONFIG);
        return root.longValue("seed", 0);
    }

    /** The metadata properties of one file: this card plus the role and what its inputs and outputs mean. */
    public Map<String, String> properties(Role role, Map<String, String> inputs, Map<String, String> outputs) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(KEY_FORMAT, FORMAT);
        p.put(KEY_ROLE, role.wireName());
        p.put(KEY_VERSION, vaelabVersion);
        p.put(KEY_RUN_ID, runId);
        p.put(KEY_RUN_NAME, runName);
        p.put(KEY_MODEL, modelType);
        p.put(KEY_CONDITIONAL, Boolean.toString(conditional));
        p.put(KEY_LATENT_DIM, Integer.toString(latentDim));
        p.put(KEY_IMAGE_SHAPE, json(imageShape));
        SHAPE_KEYS.forEach(k -> p.put(k, shapeProperties().get(k)));
        p.put(KEY_PIXEL_SCALING, PIXEL_SCALING);
        p.put(KEY_BINARIZATION, binarization);
        p.put(KEY_LIKELIHOOD, likelihood);
        p.put(KEY_LABEL_NAMES, json(labelNames));
        p.put(KEY_NUM_CLASSES, Integer.toString(labelNames.size()));
        p.put(KEY_INPUTS, json(inputs));
        p.put(KEY_OUTPUTS, json(outputs));
        p.put(KEY_CONFIG, config);
        return p;
    }

    /**
     * Reads a card back from a file's metadata; {@code source} names the file in errors.
     *
     * @throws VaelabException when the properties are not those of a vaelab export
     */
    public static ModelCard fromProperties(Map<String, String> p, String source) {
        if (!p.containsKey(KEY_FORMAT)) {
            throw new VaelabException(source + " is an ONNX model but not one exported by vaelab: it has no "
                    + KEY_FORMAT + " metadata property");
        }
        if (!FORMAT.equals(p.get(KEY_FORMAT))) {
            throw new VaelabException(source + " has vaelab metadata format " + p.get(KEY_FORMAT)
                    + "; this vaelab reads format " + FORMAT);
        }
        List<String> missing = REQUIRED_KEYS.stream().filter(k -> !p.containsKey(k)).toList();
        if (!missing.isEmpty()) {
            throw new VaelabException(source + " lacks the vaelab metadata " + String.join(", ", missing));
        }
        ModelCard card;
        try {
            card = new ModelCard(p.get(KEY_VERSION), p.get(KEY_RUN_ID), p.get(KEY_RUN_NAME), p.get(KEY_MODEL),
                    bool(p, KEY_CONDITIONAL, source), Integer.parseInt(p.get(KEY_LATENT_DIM)),
                    JSON.readValue(p.get(KEY_IMAGE_SHAPE), new TypeReference<List<Integer>>() { }),
                    p.get(KEY_BINARIZATION), p.get(KEY_LIKELIHOOD),
                    JSON.readValue(p.get(KEY_LABEL_NAMES), new TypeReference<List<String>>() { }), p.get(KEY_CONFIG));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new VaelabException(source + " has malformed vaelab metadata: " + e.getMessage(), e);
        }
        for (var expected : card.shapeProperties().entrySet()) {
            String actual = p.get(expected.getKey());
            if (actual != null && !actual.equals(expected.getValue())) {
                throw new VaelabException(source + " has " + expected.getKey() + " '" + actual + "', but its "
                        + KEY_IMAGE_SHAPE + " " + p.get(KEY_IMAGE_SHAPE) + " means '" + expected.getValue() + "'");
            }
        }
        return card;
    }

    /** The role a file's metadata declares. */
    public static Role roleOf(Map<String, String> p, String source) {
        String role = p.get(KEY_ROLE);
        return Arrays.stream(Role.values()).filter(r -> r.wireName().equals(role)).findFirst()
                .orElseThrow(() -> new VaelabException(source + " has " + KEY_ROLE + " '" + role
                        + "'; expected encoder or decoder"));
    }

    private static boolean bool(Map<String, String> p, String key, String source) {
        String v = p.get(key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new VaelabException(source + ": " + key + " must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
