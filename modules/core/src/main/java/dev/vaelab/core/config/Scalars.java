package dev.vaelab.core.config;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Interprets the text of plain scalars with YAML 1.2 core-schema rules, restricted to the forms a
 * configuration needs: decimal integers, decimal floats with optional exponent ({@code 1e-3},
 * {@code 1.0e-3}, {@code .5}), {@code .inf}, booleans and nulls. NaN is refused: a NaN setting is
 * always a mistake.
 */
final class Scalars {
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT =
            Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern INFINITY = Pattern.compile("([-+]?)\\.(inf|Inf|INF)");
    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");

    private Scalars() {}

    static boolean isNull(String text) {
        return NULL.matcher(text).matches();
    }

    /** Whether the text has the form of an integer, whatever its size. */
    static boolean looksInteger(String text) {
        return INTEGER.matcher(text).matches();
    }

    /** The value of an integer that fits a long; empty if the text is no integer or too large. */
    static Optional<Long> parseLong(String text) {
        if (!looksInteger(text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** The value of an integer, float or infinity; empty for anything else. */
    static OptionalDouble parseDouble(String text) {
        if (FLOAT.matcher(text).matches()) {
            return OptionalDouble.of(Double.parseDouble(text));
        }
        var inf = INFINITY.matcher(text);
        if (inf.matches()) {
            return OptionalDouble.of(inf.group(1).equals("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        return OptionalDouble.empty();
    }

    static Optional<Boolean> parseBoolean(String text) {
        return switch (text) {
            case "true", "True", "TRUE" -> Optional.of(true);
            case "false", "False", "FALSE" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
