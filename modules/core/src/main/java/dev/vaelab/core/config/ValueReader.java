package dev.vaelab.core.config;

import java.util.List;

/**
 * Converts one node to a Java value or throws a {@link ConfigException} at that node. The
 * {@code subject} names the value in messages, e.g. {@code 'latent_dim' in 'model'}.
 */
final class ValueReader {
    private ValueReader() {}

    static String string(ConfigNode node, String subject) {
        if (node instanceof ConfigScalar s && !s.isNull()) {
            return s.text();
        }
        throw typeError(node, subject, "a string");
    }

    /** An integer within [min, max] (the bounds of the caller's Java type or range). */
    static long integer(ConfigNode node, String subject, long min, long max) {
        if (node instanceof ConfigScalar s && s.plain()) {
            var value = Scalars.parseLong(s.text());
            if (value.isPresent() && value.get() >= min && value.get() <= max) {
                return value.get();
            }
            if (Scalars.looksInteger(s.text())) {
                throw new ConfigException(node.location(),
                        subject + " must be an integer from " + min + " to " + max + ", got " + s.text());
            }
        }
        throw typeError(node, subject, "an integer");
    }

    static double number(ConfigNode node, String subject) {
        if (node instanceof ConfigScalar s && s.plain()) {
            var value = Scalars.parseDouble(s.text());
            if (value.isPresent()) {
                return value.getAsDouble();
            }
        }
        throw typeError(node, subject, "a number");
    }

    static boolean bool(ConfigNode node, String subject) {
        if (node instanceof ConfigScalar s && s.plain()) {
            var value = Scalars.parseBoolean(s.text());
            if (value.isPresent()) {
                return value.get();
            }
        }
        throw typeError(node, subject, "true or false");
    }

    static List<ConfigNode> list(ConfigNode node, String subject, String expected) {
        if (node instanceof ConfigList l) {
            return l.elements();
        }
        throw typeError(node, subject, expected);
    }

    static ConfigMap map(ConfigNode node, String subject) {
        if (node instanceof ConfigMap m) {
            return m;
        }
        throw typeError(node, subject, "a map");
    }

    static ConfigException typeError(ConfigNode node, String subject, String expected) {
        return new ConfigException(node.location(), subject + " must be " + expected + ", got " + describe(node));
    }

    /** How a node reads in a "got ..." clause: the text of a scalar, or its kind for collections. */
    static String describe(ConfigNode node) {
        if (node instanceof ConfigMap) {
            return "a map";
        }
        if (node instanceof ConfigList) {
            return "a list";
        }
        ConfigScalar s = (ConfigScalar) node;
        if (s.isNull()) {
            return "null";
        }
        if (!s.plain() && looksTyped(s.text())) {
            return "'" + s.text() + "' (quoted, so a string; remove the quotes)";
        }
        return "'" + s.text() + "'";
    }

    private static boolean looksTyped(String text) {
        return Scalars.parseDouble(text).isPresent() || Scalars.parseBoolean(text).isPresent();
    }
}
