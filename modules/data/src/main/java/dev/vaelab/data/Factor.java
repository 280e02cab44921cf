package dev.vaelab.data;

import java.util.List;
import java.util.Objects;

/**
 * A ground-truth factor of variation of a dataset (dSprites' shape, scale, orientation, position):
 * each image has one class of it, an index into {@link #values()}.
 *
 * @param name the factor's name, e.g. {@code scale}
 * @param values the value of each class, e.g. the six scales 0.5 to 1; its size is the number of classes
 */
public record Factor(String name, List<Double> values) {
    public Factor {
        Objects.requireNonNull(name, "name");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("factor " + name + " needs at least one class");
        }
    }

    /** Number of classes. */
    public int classes() {
        return values.size();
    }

    /** {@code count} values evenly spaced over {@code [from, to]} (or {@code [from, to)} without the endpoint), as NumPy's linspace. */
    public static List<Double> linspace(double from, double to, int count, boolean endpoint) {
        Double[] out = new Double[count];
        int intervals = endpoint ? count - 1 : count;
        for (int i = 0; i < count; i++) {
            out[i] = intervals == 0 ? from : from + (to - from) * i / intervals;
        }
        return List.of(out);
    }
}
