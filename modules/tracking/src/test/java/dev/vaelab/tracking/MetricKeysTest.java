package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import org.junit.jupiter.api.Test;

class MetricKeysTest {
    @Test
    void acceptsTheDesignKeysAndMlflowCharset() {
        for (String key : new String[] {MetricKeys.TRAIN_LOSS, MetricKeys.TRAIN_EXAMPLES_PER_SEC, MetricKeys.EPOCH,
                MetricKeys.TEST_NLL_IW, "val/kl_dim/03", "probe/accuracy", "a-b.c d_e/F9", "x".repeat(250)}) {
            assertTrue(MetricKeys.isValid(key), key);
            assertEquals(key, MetricKeys.requireValid(key));
        }
    }

    @Test
    void rejectsKeysMlflowWouldRefuse() {
        for (String key : new String[] {"", "train,loss", "train/loss\n", "train\"loss", "t\u00e4st", "loss%",
                "x:y", "/train", "train/", "train//loss", "train/../x", "./x", "..", "x".repeat(251)}) {
            assertFalse(MetricKeys.isValid(key), key);
            VaelabException e = assertThrows(VaelabException.class, () -> MetricKeys.requireValid(key));
            assertTrue(e.getMessage().startsWith("invalid metric key"), e.getMessage());
        }
        assertFalse(MetricKeys.isValid(null));
    }

    @Test
    void padsKlDimensionsSoTheySort() {
        assertEquals("val/kl_dim/03", MetricKeys.klDim(3, 10));
        assertEquals("val/kl_dim/00", MetricKeys.klDim(0, 2));
        assertEquals("val/kl_dim/99", MetricKeys.klDim(99, 100));
        assertEquals("val/kl_dim/007", MetricKeys.klDim(7, 128));
        assertThrows(IllegalArgumentException.class, () -> MetricKeys.klDim(10, 10));
        assertThrows(IllegalArgumentException.class, () -> MetricKeys.klDim(-1, 10));
    }
}
