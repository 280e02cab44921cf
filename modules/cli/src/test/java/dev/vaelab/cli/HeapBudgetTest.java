package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import org.junit.jupiter.api.Test;

/** Arrays that would not fit are refused with the estimate, the limit and how many would. */
class HeapBudgetTest {
    @Test
    void refusesWhatDoesNotFitAndSaysHowManyWould() {
        HeapBudget budget = new HeapBudget(1000L << 20);
        budget.require("--n 1000 samples", 1000, 1 << 20, "--n"); // 1000 MB of 1000 MB: fits
        String message = assertThrows(VaelabException.class,
                () -> budget.require("--n 1001 samples", 1001, 1 << 20, "--n")).getMessage();
        assertTrue(message.startsWith("--n 1001 samples need about 1001 MB of memory, more than the 1000 MB this JVM has "
                + "left; ask for at most 1000 (--n), or give Java more (VAELAB_JAVA_OPTS=-Xmx"), message);
        String overflow = assertThrows(VaelabException.class,
                () -> budget.require("--n 2000000000 samples", 2_000_000_000L, Long.MAX_VALUE / 1000, "--n")).getMessage();
        assertTrue(overflow.contains("ask for at most 0 (--n)"), overflow);
    }
}
