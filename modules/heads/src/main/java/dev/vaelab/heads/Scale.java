package dev.vaelab.heads;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.Initializer;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a location-scale head's scale s (σ of a Gaussian, b of a Laplace) comes from, read from
 * its YAML section:
 *
 * <ul>
 *   <li>{@code fixed}: the number under the head's value key ({@code sigma: 0.1}, {@code b: 0.1});
 *       giving that key alone implies {@code scale: fixed}.
 *   <li>{@code learned}: one trainable scale shared by every pixel (the default without a value).
 *   <li>{@code learned_per_pixel}: one trainable scale per pixel.
 *   <li>{@code predicted}: the decoder emits it per pixel and example, a second block of D values.
 * </ul>
 *
 * <p>A learned or predicted scale is {@code s = min_scale + exp(ℓ)} for the raw value ℓ (the
 * parameter {@code likelihood/log_scale}, initialised to 0, or the decoder's second block), and is
 * used as {@code log s = log(min_scale) + softplus(ℓ - log(min_scale))}, the same number computed
 * without overflow. The floor (default 1e-3) keeps a density on pixels that never vary (MNIST's
 * always-black border) from growing without bound, and any ℓ from giving NaN.
 *
 * @param mode where the scale comes from
 * @param value the scale, for {@link Mode#FIXED}; otherwise NaN
 * @param min the floor of a learned or predicted scale; otherwise NaN
 */
public record Scale(Mode mode, double value, double min) {
    /** The parameter holding ℓ of a learned scale. */
    public static final String PARAMETER = "likelihood/log_scale";
    /** The smallest fixed scale or floor accepted: smaller ones leave too little of single precision. */
    public static final double SMALLEST = 1e-6;
    /** The floor of a learned or predicted scale when the config gives none. */
    public static final double DEFAULT_MIN = 1e-3;

    /** The YAML {@code scale:} values. */
    public enum Mode {
        FIXED, LEARNED, LEARNED_PER_PIXEL, PREDICTED;

        public String yamlName() {
            return name().toLowerCase();
        }

        static Set<String> names() {
            return Arrays.stream(values()).map(Mode::yamlName).collect(Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    /** Decoder outputs per pixel: the location, and the raw scale when predicted. */
    public int outputsPerPixel() {
        return mode == Mode.PREDICTED ? 2 : 1;
    }

    /**
     * log s, broadcastable against [N, D]: a scalar (fixed), [1] (learned), [D] (per pixel) or
     * [N, D] (predicted, from {@code predictedBlock}, else unused).
     */
    public Tensor logScale(Graph g, ParameterSource params, Tensor predictedBlock, long pixels) {
        if (mode == Mode.FIXED) {
            return g.scalar(Math.log(value));
        }
        Tensor raw = switch (mode) {
            case LEARNED -> params.parameter(PARAMETER, Shape.of(1), Initializer.zeros());
            case LEARNED_PER_PIXEL -> params.parameter(PARAMETER, Shape.of(pixels), Initializer.zeros());
            default -> predictedBlock;
        };
        double logMin = Math.log(min);
        return g.add(g.softplus(g.add(raw, -logMin)), logMin);
    }

    /**
     * Reads {@code scale}, {@code min_scale} and the fixed value under {@code valueKey}. Options
     * that contradict each other fail at the line of the one that does not apply.
     */
    public static Scale read(ConfigMap options, String valueKey) {
        boolean hasValue = options.has(valueKey);
        Mode mode = Mode.valueOf(options.choice("scale", Mode.names(), hasValue ? "fixed" : "learned")
                .toUpperCase());
        // both keys are always allowed, so every message lists them
        options.node(valueKey);
        options.node("min_scale");
        if (mode == Mode.FIXED) {
            if (!hasValue) {
                throw options.invalid("scale", "is 'fixed', which needs the scale itself: add '" + valueKey
                        + ": <value>', or choose learned, learned_per_pixel or predicted");
            }
            if (options.has("min_scale")) {
                throw options.invalid("min_scale", "applies to a learned or predicted scale; this one is fixed at "
                        + valueKey + " = " + options.number(valueKey));
            }
            return new Scale(mode, atLeastSmallest(options, valueKey, options.positiveNumber(valueKey)), Double.NaN);
        }
        if (hasValue) {
            throw options.invalid(valueKey, "fixes the scale, which contradicts 'scale: " + mode.yamlName()
                    + "'; give one of the two");
        }
        double min = atLeastSmallest(options, "min_scale", options.positiveNumber("min_scale", DEFAULT_MIN));
        return new Scale(mode, Double.NaN, min);
    }

    private static double atLeastSmallest(ConfigMap options, String key, double value) {
        if (value < SMALLEST) {
            throw options.invalid(key, "must be at least " + SMALLEST + " (smaller scales leave too little of "
                    + "single precision for the squared residual), got " + value);
        }
        return value;
    }
}
