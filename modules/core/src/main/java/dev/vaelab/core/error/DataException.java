package dev.vaelab.core.error;

/** A data file is missing, truncated, corrupt or of the wrong format; the message names the file. */
public class DataException extends VaelabException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
