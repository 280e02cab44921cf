package dev.vaelab.data;

import java.io.IOException;

/** A file's content does not follow its format; the reader turns it into a DataException naming the file. */
final class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    FormatException(String message) {
        super(message);
    }
}
