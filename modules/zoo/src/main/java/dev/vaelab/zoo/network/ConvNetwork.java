package dev.vaelab.zoo.network;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.ConvGeometry;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.Initializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A convolutional encoder or decoder in the style of Burgess et al. (2018) and PyTorch's DCGAN.
 *
 * <p>Encoder: the flattened image [N, C·H·W] is viewed as [N, C, H, W]; each of {@code channels}
 * is a Conv (kernel, stride, padding) with the activation; the last feature map is flattened, the
 * condition (a one-hot label) concatenated, then the optional dense {@code hidden} layers with the
 * activation and a dense layer to the requested outputs.
 *
 * <p>Decoder, the mirror: z (with the condition) through the dense {@code hidden} layers, a dense
 * layer with the activation to the smallest feature map, then one ConvTranspose per encoder layer
 * in reverse order back to H × W, the last to k·C channels without activation (k = outputs / (C·H·W),
 * the head's parameters per pixel). Flattening [N, k·C, H, W] gives k blocks of a flattened image,
 * the order the heads read. Where a stride does not divide a feature map, the decoder adds the
 * left-over rows back as output padding, so it reproduces every encoder size exactly.
 *
 * <p>Weights and biases are drawn as PyTorch initialises {@code nn.Conv2d}, {@code nn.ConvTranspose2d}
 * and {@code nn.Linear}: U(±1/sqrt(fan_in)) with fan_in = weight.size(1)·kH·kW, which is C_in·kH·kW for
 * a Conv and (as in PyTorch) C_out·kH·kW for a ConvTranspose, whose weight is [C_in, C_out, kH, kW].
 */
public record ConvNetwork(NetworkRole role, ImageDims image, List<Integer> channels, int kernel, int stride,
                          int padding, List<Integer> hidden, Activation activation) implements Network {
    public static final String TYPE = "conv";

    public ConvNetwork {
        channels = List.copyOf(channels);
        hidden = List.copyOf(hidden);
        featureMaps(image, channels.size(), kernel, stride, padding); // rejects a geometry that does not fit
    }

    /** Height and width of one feature map. */
    public record FeatureMap(int height, int width) {
    }

    /**
     * The feature map sizes from the image (index 0) through each of {@code layers} convolutions.
     *
     * @throws IllegalArgumentException naming the layer where the kernel no longer fits
     */
    public static List<FeatureMap> featureMaps(ImageDims image, int layers, int kernel, int stride, int padding) {
        List<FeatureMap> maps = new ArrayList<>(List.of(new FeatureMap(image.height(), image.width())));
        for (int i = 0; i < layers; i++) {
            FeatureMap in = maps.get(i);
            if (Math.min(in.height(), in.width()) + 2 * padding < kernel) {
                throw new IllegalArgumentException(String.format(
                        "convolution %d of %d does not fit: its %dx%d input padded by %d is smaller than the kernel %d"
                                + " (a %dx%d image allows %d such layers)",
                        i + 1, layers, in.height(), in.width(), padding, kernel, image.height(), image.width(),
                        i + fittingLayers(in, kernel, stride, padding)));
            }
            maps.add(new FeatureMap((in.height() + 2 * padding - kernel) / stride + 1,
                    (in.width() + 2 * padding - kernel) / stride + 1));
        }
        return maps;
    }

    private static int fittingLayers(FeatureMap from, int kernel, int stride, int padding) {
        int n = 0;
        for (int h = from.height(), w = from.width(); Math.min(h, w) + 2 * padding >= kernel && n < 64; n++) {
            h = (h + 2 * padding - kernel) / stride + 1;
            w = (w + 2 * padding - kernel) / stride + 1;
        }
        return n;
    }

    @Override
    public Tensor apply(Graph g, ParameterSource params, String scope, Tensor input, Optional<Tensor> condition, int outputs) {
        return role == NetworkRole.ENCODER
                ? encode(g, params, scope, input, condition, outputs)
                : decode(g, params, scope, input, condition, outputs);
    }

    private Tensor encode(Graph g, ParameterSource params, String scope, Tensor x, Optional<Tensor> condition, int outputs) {
        if (x.rank() != 2 || x.shape().dim(1) != image.size()) {
            throw new IllegalArgumentException("a conv encoder for " + describe(image) + " images reads [N, "
                    + image.size() + "], got " + x);
        }
        long batch = x.shape().dim(0);
        List<FeatureMap> maps = featureMaps(image, channels.size(), kernel, stride, padding);
        Tensor h = g.reshape(x, Shape.of(batch, image.channels(), image.height(), image.width()));
        int in = image.channels();
        for (int i = 0; i < channels.size(); i++) {
            int out = channels.get(i);
            Tensor w = convParameter(params, scope + "/conv" + i + "/weight", in, Shape.of(out, in, kernel, kernel));
            Tensor b = convParameter(params, scope + "/conv" + i + "/bias", in, Shape.of(out));
            h = activation.apply(g, g.conv(h, w, b, ConvGeometry.of(stride, padding)));
            in = out;
        }
        FeatureMap last = maps.get(maps.size() - 1);
        h = g.reshape(h, Shape.of(batch, (long) in * last.height() * last.width()));
        if (condition.isPresent()) {
            h = g.concat(1, h, condition.get());
        }
        for (int i = 0; i < hidden.size(); i++) {
            h = activation.apply(g, Mlp.dense(g, params, scope + "/fc" + i, h, hidden.get(i)));
        }
        return Mlp.dense(g, params, scope + "/out", h, outputs);
    }

    private Tensor decode(Graph g, ParameterSource params, String scope, Tensor z, Optional<Tensor> condition, int outputs) {
        if (outputs % image.size() != 0) {
            throw new IllegalArgumentException("a conv decoder for " + describe(image) + " images emits a multiple of "
                    + image.size() + " values per example, asked for " + outputs);
        }
        int perPixel = outputs / image.size();
        long batch = z.shape().dim(0);
        List<FeatureMap> maps = featureMaps(image, channels.size(), kernel, stride, padding);
        Tensor h = condition.map(c -> g.concat(1, z, c)).orElse(z);
        for (int i = 0; i < hidden.size(); i++) {
            h = activation.apply(g, Mlp.dense(g, params, scope + "/fc" + i, h, hidden.get(i)));
        }
        int depth = channels.size();
        FeatureMap smallest = maps.get(depth);
        int in = channels.get(depth - 1);
        h = activation.apply(g, Mlp.dense(g, params, scope + "/project", h, in * smallest.height() * smallest.width()));
        h = g.reshape(h, Shape.of(batch, in, smallest.height(), smallest.width()));
        for (int layer = depth - 1, step = 0; layer >= 0; layer--, step++) {
            // mirrors encoder convolution `layer`, from maps[layer + 1] back up to maps[layer]
            int out = layer > 0 ? channels.get(layer - 1) : perPixel * image.channels();
            String name = scope + "/deconv" + step;
            Tensor w = convParameter(params, name + "/weight", out, Shape.of(in, out, kernel, kernel));
            Tensor b = convParameter(params, name + "/bias", out, Shape.of(out));
            FeatureMap target = maps.get(layer);
            ConvGeometry geometry = new ConvGeometry(new long[] {stride, stride},
                    new long[] {padding, padding, padding, padding}, new long[] {1, 1},
                    new long[] {leftOver(target.height()), leftOver(target.width())});
            h = g.convTranspose(h, w, b, geometry);
            if (layer > 0) {
                h = activation.apply(g, h);
            }
            in = out;
        }
        return g.reshape(h, Shape.of(batch, outputs));
    }

    /** Rows of a {@code size} input that this network's convolution leaves after its last window. */
    private long leftOver(int size) {
        return (size + 2L * padding - kernel) % stride;
    }

    /** PyTorch's default bound 1/sqrt(weight.size(1)·k·k), for weight and bias alike. */
    private Tensor convParameter(ParameterSource params, String name, int weightDim1, Shape shape) {
        return params.parameter(name, shape, Initializer.pytorchDefault((long) weightDim1 * kernel * kernel));
    }

    private static String describe(ImageDims image) {
        return image.channels() + "x" + image.height() + "x" + image.width();
    }

    /**
     * A named layout: the defaults of the keys it sets, so that {@code {type: conv, preset: burgess}}
     * is the whole network and any key written beside the preset still wins.
     */
    public record Preset(List<Integer> channels, int kernel, int stride, int padding, List<Integer> hidden) {
        /**
         * Burgess et al. (2018), "Understanding disentangling in β-VAE", Table 1 (the dSprites net,
         * also used by Higgins et al. 2017 and Locatello et al. 2019): four 4x4 stride-2 convolutions of
         * 32 channels (64 → 32 → 16 → 8 → 4), then two dense layers of 256; the decoder mirrors it.
         */
        public static final Preset BURGESS = new Preset(List.of(32, 32, 32, 32), 4, 2, 1, List.of(256, 256));

        /** The presets by their YAML name. */
        public static final Map<String, Preset> BY_NAME = Map.of("burgess", BURGESS);
    }

    /**
     * {@code {type: conv, channels: [32, 64], kernel: 4, stride: 2, padding: 1, hidden: [], activation: relu}};
     * the same keys for encoder and decoder. Padding defaults to (kernel - stride) / 2, which halves
     * the feature map at each layer for kernel 4, stride 2. {@code preset: burgess} takes the
     * defaults of {@link Preset#BURGESS} instead.
     */
    public static final class Factory implements NetworkFactory {
        @Override
        public Network create(ComponentSpec spec, NetworkRole role, ImageDims image) {
            var options = spec.options();
            Optional<Preset> preset = options.has("preset")
                    ? Optional.of(Preset.BY_NAME.get(options.choice("preset", Preset.BY_NAME.keySet())))
                    : Optional.empty();
            List<Integer> channels = options.intList("channels", preset.map(Preset::channels).orElse(List.of(32, 64)));
            if (channels.isEmpty() || channels.stream().anyMatch(c -> c < 1)) {
                throw options.invalid("channels", "must list at least one positive channel count, got " + channels);
            }
            int kernel = options.positiveInt("kernel", preset.map(Preset::kernel).orElse(4));
            int stride = options.positiveInt("stride", preset.map(Preset::stride).orElse(2));
            int defaultPadding = preset.filter(p -> p.kernel() == kernel && p.stride() == stride).map(Preset::padding)
                    .orElse(Math.max(0, (kernel - stride) / 2));
            int padding = options.intAtLeast("padding", 0, defaultPadding);
            if (padding >= kernel) {
                throw options.invalid("padding", "must be less than the kernel size " + kernel + ", got " + padding);
            }
            List<Integer> hidden = options.intList("hidden", preset.map(Preset::hidden).orElse(List.of()));
            if (hidden.stream().anyMatch(h -> h < 1)) {
                throw options.invalid("hidden", "sizes must be positive, got " + hidden);
            }
            Activation activation = Activation.of(options.choice("activation", Activation.names(), "relu"));
            options.finish();
            try {
                featureMaps(image, channels.size(), kernel, stride, padding);
            } catch (IllegalArgumentException e) {
                throw options.invalid(options.has("channels") || !options.has("preset") ? "channels" : "preset",
                        "has " + channels.size() + " layers for " + describe(image) + " images with kernel " + kernel
                                + ", stride " + stride + ", padding " + padding + ": " + e.getMessage());
            }
            return new ConvNetwork(role, image, channels, kernel, stride, padding, hidden, activation);
        }
    }
}
