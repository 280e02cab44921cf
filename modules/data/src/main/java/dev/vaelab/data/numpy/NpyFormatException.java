package dev.vaelab.data.numpy;

import java.io.IOException;

/** A {@code .npy} header or payload does not follow the format; the caller adds the file and member. */
final class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    NpyFormatException(String message) {
        super(message);
    }
}
