package dev.vaelab.core.error;

/**
 * An error the user can act on. The CLI prints its message alone, without a stack trace, so the
 * message must say what went wrong, where, and what would be accepted instead.
 */
public class VaelabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VaelabException(String message) {
        super(message);
    }

    public VaelabException(String message, Throwable cause) {
        super(message, cause);
    }
}
