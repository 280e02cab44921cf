package dev.vaelab.data.cifar;

import java.io.IOException;

/** A tar archive or a CIFAR batch does not follow its format; the caller adds the file's name. */
final class TarFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    TarFormatException(String message) {
        super(message);
    }
}
