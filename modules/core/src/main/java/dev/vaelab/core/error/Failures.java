package dev.vaelab.core.error;

import java.util.function.Consumer;

/** Handling of failures that must not stop the work beside them. */
public final class Failures {
    private Failures() {
    }

    /**
     * Calls {@code call} on every item, even when an earlier call fails; then rethrows the first
     * failure, with the later ones added to it as suppressed.
     */
    public static <T> void callEach(Iterable<? extends T> items, Consumer<? super T> call) {
        RuntimeException first = null;
        for (T item : items) {
            try {
                call.accept(item);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
