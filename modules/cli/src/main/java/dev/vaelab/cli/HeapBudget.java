package dev.vaelab.cli;

import dev.vaelab.core.error.VaelabException;
import java.util.Locale;

/**
 * Checks that a command's arrays fit the Java heap before it allocates them, so that asking for
 * too much is one line naming the estimate, the limit and what to ask for instead, not an
 * OutOfMemoryError part-way through.
 */
final class HeapBudget {
    private final long available;

    HeapBudget(long available) {
        this.available = available;
    }

    /** What this JVM's heap has left now. */
    static HeapBudget ofThisJvm() {
        Runtime r = Runtime.getRuntime();
        return new HeapBudget(r.maxMemory() - (r.totalMemory() - r.freeMemory()));
    }

    /**
     * Refuses {@code items} items of {@code bytesPerItem} each when they do not fit;
     * {@code what} names them ("--n 100000 samples") and {@code fewerOption} the option that asks for fewer.
     */
    void require(String what, long items, long bytesPerItem, String fewerOption) {
        long need = multiply(items, bytesPerItem);
        if (need > available) {
            long fit = Math.max(0, available / Math.max(1, bytesPerItem));
            throw new VaelabException(String.format(Locale.ROOT, "%s need about %s of memory, more than the %s this "
                    + "JVM has left; ask for at most %d (%s), or give Java more (VAELAB_JAVA_OPTS=-Xmx%dg)", what,
                    megabytes(need), megabytes(available), fit, fewerOption,
                    (need + Runtime.getRuntime().maxMemory() - available) / (1L << 30) + 1));
        }
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String megabytes(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MB", (bytes + (1L << 20) - 1) >> 20);
    }
}
