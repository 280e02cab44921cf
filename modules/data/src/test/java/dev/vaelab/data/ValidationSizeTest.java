package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ValidationSizeTest {
    @Test
    void aShareIsRoundedDownButKeepsOneImageWherePossible() {
        ValidationSize tenPercent = new ValidationSize.Share(10);
        assertEquals(60, tenPercent.of(600));
        assertEquals(54, tenPercent.of(540));
        assertEquals(53, tenPercent.of(539), "53.9 rounds down");
        assertEquals(1, tenPercent.of(9), "0.9 would be none: at least 1");
        assertEquals(1, tenPercent.of(2));
        assertEquals(0, tenPercent.of(1), "one image is all training");
        assertEquals(0, new ValidationSize.Share(0).of(600));
        assertEquals(7, new ValidationSize.Share(2.5).of(300), "7.5 rounds down");
        // exact where a fraction times n is not: 0.07 * 100 = 7.000000000000001 and 0.29 * 100 = 28.999999999999996
        assertEquals(29, new ValidationSize.Share(29).of(100));
        assertEquals(737280 * 9 / 100, new ValidationSize.Share(9).of(737280));
    }

    @Test
    void aCountIsWhatItSays() {
        assertEquals(5000, new ValidationSize.Count(5000).of(60000));
        assertEquals(0, new ValidationSize.Count(0).of(10));
        assertThrows(IllegalArgumentException.class, () -> new ValidationSize.Count(-1));
    }

    @Test
    void theShareIsWrittenAsTheConfigReadsIt() {
        assertEquals("10%", new ValidationSize.Share(10).text());
        assertEquals("2.5%", new ValidationSize.Share(2.5).text());
        assertThrows(IllegalArgumentException.class, () -> new ValidationSize.Share(100));
    }
}
