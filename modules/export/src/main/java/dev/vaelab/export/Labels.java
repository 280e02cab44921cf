package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Class labels checked against a file's metadata: a conditional model needs one per example, in
 * 0..K-1 (the order of {@code vaelab.label_names}); an unconditional one takes none.
 */
public final class Labels {
    private Labels() {
    }

    /** The class a user named, by index ({@code 3}) or by name ({@code Sneaker}). */
    public static int parse(String text, ModelCard card) {
        requireConditional(card, "--label");
        List<String> names = card.labelNames();
        try {
            int index = Integer.parseInt(text.strip());
            if (index >= 0 && index < names.size()) {
                return index;
            }
        } catch (NumberFormatException e) {
            int byName = names.indexOf(text.strip());
            if (byName >= 0) {
                return byName;
            }
        }
        throw new VaelabException("--label " + text + " is not a class of this model; it has " + names.size()
                + " classes: " + classes(card));
    }

    /**
     * The labels of {@code count} examples checked against the card: required and in range for a
     * conditional model, absent otherwise.
     *
     * @param option how the user gave them, for messages
     */
    public static Optional<int[]> check(Optional<int[]> labels, int count, ModelCard card, String option) {
        if (!card.conditional()) {
            if (labels.isPresent()) {
                requireConditional(card, option);
            }
            return Optional.empty();
        }
        int[] l = labels.orElseThrow(() -> new VaelabException("the model is conditional ('" + card.modelType()
                + "'): give the class of each example with --label K (or --labels FILE); classes: " + classes(card)));
        if (l.length != count) {
            throw new VaelabException(option + " gives " + l.length + " labels for " + count + " examples");
        }
        for (int i = 0; i < l.length; i++) {
            if (l[i] < 0 || l[i] >= card.numClasses()) {
                throw new VaelabException(option + ": label " + l[i] + " of example " + i + " is out of range; this model has "
                        + card.numClasses() + " classes, 0.." + (card.numClasses() - 1));
            }
        }
        return labels;
    }

    /** One-hot rows [labels.length, classes], the {@code y} input of a conditional model. */
    public static float[] oneHot(int[] labels, int classes) {
        float[] y = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            y[i * classes + labels[i]] = 1;
        }
        return y;
    }

    /** {@code count} copies of {@code label}. */
    public static int[] repeat(int label, int count) {
        int[] out = new int[count];
        Arrays.fill(out, label);
        return out;
    }

    private static void requireConditional(ModelCard card, String option) {
        if (!card.conditional()) {
            throw new VaelabException(option + " does not apply: model '" + card.modelType()
                    + "' is not conditional and takes no labels");
        }
    }

    private static String classes(ModelCard card) {
        return IntStream.range(0, card.numClasses()).mapToObj(i -> i + " = " + card.labelNames().get(i))
                .collect(Collectors.joining(", "));
    }
}
