package dev.vaelab.core.config;

import dev.vaelab.core.error.VaelabException;

/**
 * A configuration error the user can fix: the message starts with the {@link SourceLocation} of the
 * offending value, then says what is wrong and what would be accepted.
 */
public class ConfigException extends VaelabException {
    private static final long serialVersionUID = 1L;

    private final SourceLocation location;
    private final String detail;

    /** An error at {@code location}; {@code detail} is the message without the location prefix. */
    public ConfigException(SourceLocation location, String detail) {
        super(location + ": " + detail);
        this.location = location;
        this.detail = detail;
    }

    /** An error at {@code location} caused by a lower-level failure (an I/O or YAML parser error). */
    public ConfigException(SourceLocation location, String detail, Throwable cause) {
        super(location + ": " + detail, cause);
        this.location = location;
        this.detail = detail;
    }

    /** Where the offending value is. */
    public SourceLocation location() {
        return location;
    }

    /** The message without its location prefix. */
    public String detail() {
        return detail;
    }
}
