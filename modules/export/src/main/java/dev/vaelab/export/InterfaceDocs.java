package dev.vaelab.export;

import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The words of an exported file: the doc strings of its graph, inputs and outputs, and the
 * {@code vaelab.inputs} / {@code vaelab.outputs} metadata, written so that a reader who has only
 * the file knows what to feed and what comes back.
 */
final class InterfaceDocs {
    private final ModelCard card;

    InterfaceDocs(ModelCard card) {
        this.card = card;
    }

    /** What a graph of {@code role} does; also the model's doc string. */
    String graph(Role role) {
        String origin = "vaelab " + card.vaelabVersion() + ", model '" + card.modelType() + "', run " + card.runName()
                + " (id " + card.runId() + ")";
        String labels = card.conditional() ? " and one-hot labels y" : "";
        String body = role == Role.ENCODER
                ? "Encoder: images x" + labels + " to the diagonal Gaussian posterior q(z|x) = N(mu, exp(logvar)) over "
                        + card.latentDim() + " latent dimensions."
                : "Decoder: latent codes z" + labels + " to the '" + card.likelihood()
                        + "' likelihood p(x|z): its mean and its parameters, per pixel.";
        return body + " Batch axis N is dynamic. Image shape, channels and their colour order, flattening order, pixel"
                + " scaling, label names and the training config are in the vaelab.* metadata properties. From "
                + origin + ".";
    }

    /** Descriptions of the inputs that are fed (not the parameters), by name. */
    Map<String, String> inputs(List<Tensor> fed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Tensor t : fed) {
            out.put(t.name(), input(t.name(), t.shape()));
        }
        return out;
    }

    /** Descriptions of the outputs, by name, in the graph's order. */
    Map<String, String> outputs(Map<String, Tensor> outputs) {
        Map<String, String> out = new LinkedHashMap<>();
        outputs.forEach((name, t) -> out.put(name, output(name, t.shape())));
        return out;
    }

    private String input(String name, Shape shape) {
        String type = "float32 " + render(shape);
        return switch (name) {
            case "x" -> "Images, " + type + ": " + pixels() + ", " + layout(shape) + "." + binary();
            case "y" -> "One-hot class labels, " + type + ": column k is the class vaelab.label_names[k] ("
                    + String.join(", ", card.labelNames()) + ").";
            case "z" -> "Latent codes, " + type + ": draw z ~ N(0, I) to sample from the prior, or feed an encoder's mu.";
            default -> "Input '" + name + "', " + type + ".";
        };
    }

    private String output(String name, Shape shape) {
        String type = "float32 " + render(shape);
        return switch (name) {
            case "mu" -> "Mean of the Gaussian posterior q(z|x), " + type + ".";
            case "logvar" -> "Natural-log variance of q(z|x) per latent dimension, " + type
                    + "; the standard deviation is exp(logvar / 2).";
            case "mean" -> "Mean of p(x|z) under the '" + card.likelihood() + "' likelihood, " + type + ", in the scaling"
                    + " of x (" + pixels() + "; times 255 gives 8-bit levels), " + layout(shape) + ".";
            default -> "Parameter '" + name + "' of the '" + card.likelihood() + "' likelihood per pixel, " + type
                    + ", laid out like mean.";
        };
    }

    private static String pixels() {
        return "pixel/255, in [0, 1]";
    }

    private String binary() {
        return switch (card.binarization()) {
            case "none" -> "";
            case "binary" -> " The training images were binary (0 or 1) as published.";
            default -> " Trained on binarized pixels (data.binarize: " + card.binarization()
                    + "), so values are 0 or 1; grey levels in [0, 1] are accepted too.";
        };
    }

    private String layout(Shape shape) {
        String chw = card.channels() + "x" + card.height() + "x" + card.width() + " (channels x rows x columns"
                + switch (card.colorOrder()) {
                    case "grey" -> ", one grey channel)";
                    case "RGB" -> ", channels red, green, blue)";
                    default -> ")";
                };
        return shape.rank() == 2
                ? "each image of " + chw + " flattened row-major in " + ModelCard.INPUT_LAYOUT
                        + " order (channel, then row, then column)"
                : "images of " + chw;
    }

    /** {@code [N, 784]}: the batch axis by its exported name. */
    static String render(Shape shape) {
        return Arrays.stream(shape.dims()).mapToObj(d -> d == Shape.BATCH ? "N" : Long.toString(d))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
