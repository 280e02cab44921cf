package dev.vaelab.core.config;

import java.util.Objects;

/**
 * Where a configuration value came from: a file (or another named source, such as a command-line
 * override) and a 1-based line and column in it.
 *
 * @param file the source name as the user knows it, e.g. {@code experiments/x.yaml}
 * @param line 1-based line
 * @param column 1-based column
 */
public record SourceLocation(String file, int line, int column) {

    public SourceLocation {
        Objects.requireNonNull(file, "file");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based, got " + line + ":" + column);
        }
    }

    /** {@code file:line:column}, the form editors and terminals turn into links. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
