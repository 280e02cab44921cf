package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DisentanglementProbeTest {
    @Test
    void theSampleIsDistinctSeededAndCoversTheSet() {
        int[] a = DisentanglementProbe.sampleIndices(1000, 300, new SplittableRandom(7));
        assertEquals(300, a.length);
        assertEquals(300, Arrays.stream(a).distinct().count(), "without replacement");
        assertTrue(Arrays.stream(a).allMatch(i -> i >= 0 && i < 1000));
        assertArrayEquals(a, DisentanglementProbe.sampleIndices(1000, 300, new SplittableRandom(7)), "seeded");
        // every index equally likely: over many draws of 100 of 1000, each is picked about 10% of the time
        int[] hits = new int[1000];
        SplittableRandom random = new SplittableRandom(1);
        for (int draw = 0; draw < 2000; draw++) {
            for (int i : DisentanglementProbe.sampleIndices(1000, 100, random)) {
                hits[i]++;
            }
        }
        // binomial(2000, 0.1): mean 200, sd 13.4; 6 sd either side
        assertTrue(Arrays.stream(hits).allMatch(h -> h > 120 && h < 280), Arrays.stream(hits).summaryStatistics().toString());
    }
}
