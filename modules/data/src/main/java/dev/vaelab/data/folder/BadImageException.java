package dev.vaelab.data.folder;

import dev.vaelab.core.error.DataException;

/** An image file that cannot be decoded: corrupt, truncated, of an unknown format or too large. The message names the file. */
public final class BadImageException extends DataException {
    private static final long serialVersionUID = 1L;

    public BadImageException(String message) {
        super(message);
    }
}
