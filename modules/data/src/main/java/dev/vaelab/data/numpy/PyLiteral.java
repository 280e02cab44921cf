package dev.vaelab.data.numpy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Python literal that a {@code .npy} header holds, e.g.
 * {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }}: dicts, tuples, lists,
 * quoted strings, {@code True}/{@code False} and integers (NumPy writes {@code 3L} in old files).
 * Tuples and lists come back as {@code List<Object>}, integers as {@code Long}.
 */
final class PyLiteral {
    private final String text;
    private int pos;

    private PyLiteral(String text) {
        this.text = text;
    }

    /** The value of {@code text}; throws {@link IllegalArgumentException} saying where it stopped making sense. */
    static Object parse(String text) {
        PyLiteral p = new PyLiteral(text);
        Object value = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return value;
    }

    private Object value() {
        skipSpace();
        if (pos >= text.length()) {
            throw error("the header ends where a value should be");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> dict();
            case '(' -> sequence('(', ')');
            case '[' -> sequence('[', ']');
            case '\'', '"' -> string();
            default -> c == '-' || Character.isDigit(c) ? integer() : word();
        };
    }

    private Map<Object, Object> dict() {
        pos++;
        Map<Object, Object> map = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek('}')) {
                pos++;
                return map;
            }
            Object key = value();
            skipSpace();
            expect(':');
            map.put(key, value());
            skipSpace();
            if (peek(',')) {
                pos++;
            } else if (!peek('}')) {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> sequence(char open, char close) {
        pos++;
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek(close)) {
                pos++;
                return items;
            }
            items.add(value());
            skipSpace();
            if (peek(',')) {
                pos++;
            } else if (!peek(close)) {
                throw error("expected ',' or '" + close + "'");
            }
        }
    }

    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < text.length() && text.charAt(pos) != quote) {
            char c = text.charAt(pos++);
            if (c == '\\' && pos < text.length()) {
                c = text.charAt(pos++);
            }
            sb.append(c);
        }
        if (pos >= text.length()) {
            throw error("unterminated string");
        }
        pos++;
        return sb.toString();
    }

    private Long integer() {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        String digits = text.substring(start, pos);
        if (peek('L')) {
            pos++;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("bad integer '" + digits + "'");
        }
    }

    private Object word() {
        int start = pos;
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            pos++;
        }
        String word = text.substring(start, pos);
        return switch (word) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            default -> throw error(word.isEmpty() ? "unexpected '" + text.charAt(start) + "'" : "unexpected '" + word + "'");
        };
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + pos + " of " + text.strip());
    }
}
