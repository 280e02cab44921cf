package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
    private static final int D = 20;

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static float[] contents(FloatBuffer buffer, int from, int n) {
        float[] out = new float[n];
        buffer.get(from, out);
        return out;
    }

    private static byte[] contents(ByteBuffer buffer, int from, int n) {
        byte[] out = new byte[n];
        buffer.get(from, out);
        return out;
    }

    private static BatchPlanner planner(Dataset data, int batchSize, long seed) {
        return new BatchPlanner(data, batchSize, new RandomStreams(seed));
    }

    private static Dataset dynamic(Dataset data, long seed) {
        return new Binarizer(new RandomStreams(seed)).prepare(data, Binarization.DYNAMIC);
    }

    @Test
    void anEpochIsASeededPermutationOfFullBatches() {
        Dataset data = BinarizerTest.grayscale(103, 0, 5, false);
        BatchPlanner planner = planner(data, 10, 9);
        assertEquals(10, planner.batchesPerEpoch(), "the last partial batch of 3 is left out");
        EpochPlan epoch = planner.epoch(0);
        int[] seen = new int[103];
        for (int b = 0; b < epoch.batches(); b++) {
            for (int r = 0; r < 10; r++) {
                seen[epoch.example(b, r)]++;
            }
        }
        assertEquals(100, Arrays.stream(seen).sum());
        assertTrue(Arrays.stream(seen).allMatch(c -> c <= 1), "no example twice in an epoch");
        assertArrayEquals(order(planner(data, 10, 9).epoch(0)), order(epoch), "same seed and epoch, same order");
        assertFalse(Arrays.equals(order(epoch), order(planner.epoch(1))), "another epoch, another order");
        assertFalse(Arrays.equals(order(epoch), order(planner(data, 10, 10).epoch(0))), "another seed, another order");
        int[] identity = new int[100];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, order(epoch)), "the order is shuffled");
    }

    @Test
    void aWholeEpochVisitsEveryExampleWhenTheBatchSizeDivides() {
        BatchPlanner planner = planner(BinarizerTest.grayscale(120, 0, 5, false), 12, 1);
        int[] sorted = order(planner.epoch(3));
        Arrays.sort(sorted);
        int[] identity = new int[120];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted);
    }

    private static int[] order(EpochPlan plan) {
        int[] order = new int[plan.batches() * plan.batchSize()];
        for (int i = 0; i < order.length; i++) {
            order[i] = plan.example(i / plan.batchSize(), i % plan.batchSize());
        }
        return order;
    }

    @Test
    void grayscaleBatchesArePixelBytesInPlanOrder() {
        Dataset data = BinarizerTest.grayscale(40, 0, 5, false);
        EpochPlan epoch = planner(data, 8, 2).epoch(0);
        ByteBuffer out = ByteBuffer.allocateDirect(3 * 8 * D);
        epoch.fillImages(out, 1, 3);
        for (int s = 0; s < 3; s++) {
            for (int r = 0; r < 8; r++) {
                int example = epoch.example(1 + s, r);
                for (int j = 0; j < D; j++) {
                    assertEquals(data.train().pixel(example, j), out.get((s * 8 + r) * D + j) & 0xff);
                }
            }
        }
    }

    @Test
    void fillsStartAtThePositionAndLeaveItAndTheLimitAlone() {
        EpochPlan epoch = planner(BinarizerTest.grayscale(40, 0, 5, false), 8, 2).epoch(0);
        ByteBuffer out = ByteBuffer.allocateDirect(5 + 8 * D + 4);
        out.position(5).limit(5 + 8 * D);
        epoch.fillImages(out, 0, 1);
        assertEquals(5, out.position());
        assertEquals(5 + 8 * D, out.limit());
        ByteBuffer all = out.duplicate().clear();
        assertEquals(0, all.get(4), "nothing before the position");
        assertEquals(0, all.get(5 + 8 * D), "nothing after the batches");
        ByteBuffer separate = ByteBuffer.allocateDirect(8 * D);
        epoch.fillImages(separate, 0, 1);
        assertArrayEquals(contents(separate, 0, 8 * D), contents(out, 5, 8 * D));
        out.limit(5 + 8 * D - 1);
        assertThrows(IllegalArgumentException.class, () -> epoch.fillImages(out, 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> epoch.fillImages(ByteBuffer.allocateDirect(10 * 8 * D), 3, 3), "5 batches only");
    }

    @Test
    void dynamicSamplesAreTheSameForTheSameSeedAndEpochWhateverTheChunking() {
        Dataset data = dynamic(BinarizerTest.grayscale(200, 0, 5, false), 0);
        int batches = 200 / 16;
        ByteBuffer whole = ByteBuffer.allocateDirect(batches * 16 * D);
        planner(data, 16, 5).epoch(2).fillImages(whole, 0, batches);
        EpochPlan again = planner(data, 16, 5).epoch(2);
        ByteBuffer chunked = ByteBuffer.allocateDirect(batches * 16 * D);
        int[] chunks = {1, 3, 2, 5, 1};
        int at = 0;
        for (int steps : chunks) {
            chunked.position(at * 16 * D);
            again.fillImages(chunked, at, steps);
            at += steps;
        }
        assertEquals(batches, at);
        assertArrayEquals(contents(whole, 0, batches * 16 * D), contents(chunked, 0, batches * 16 * D));
        for (byte v : contents(whole, 0, batches * 16 * D)) {
            assertTrue(v == 0 || v == (byte) 255, "binary values (0 and 255) only");
        }
    }

    @Test
    void dynamicSamplesChangeBetweenEpochsAndFollowTheIntensities() {
        Dataset data = dynamic(BinarizerTest.grayscale(1000, 0, 5, false), 0);
        BatchPlanner planner = planner(data, 1000, 8);
        ByteBuffer a = ByteBuffer.allocateDirect(1000 * D);
        ByteBuffer b = ByteBuffer.allocateDirect(1000 * D);
        EpochPlan first = planner.epoch(0);
        EpochPlan second = planner.epoch(1);
        first.fillImages(a, 0, 1);
        second.fillImages(b, 0, 1);
        // Compare example by example, since the two epochs visit them in different orders.
        int differing = 0;
        double sampled = 0;
        double expected = 0;
        double variance = 0;
        byte[] rowA = new byte[D];
        byte[] rowB = new byte[D];
        int[] rowOfExampleInB = new int[1000];
        for (int r = 0; r < 1000; r++) {
            rowOfExampleInB[second.example(0, r)] = r;
        }
        for (int r = 0; r < 1000; r++) {
            int example = first.example(0, r);
            a.get(r * D, rowA);
            b.get(rowOfExampleInB[example] * D, rowB);
            for (int j = 0; j < D; j++) {
                differing += rowA[j] != rowB[j] ? 1 : 0;
                double p = data.train().pixel(example, j) / 255.0;
                sampled += (rowA[j] & 0xff) / 255.0;
                expected += p;
                variance += p * (1 - p);
            }
        }
        // Uniform random pixels give P(two draws differ) = E[2p(1-p)] = 1/3; 20000 pixels make 0.25 a safe floor.
        assertTrue(differing > 0.25 * 1000 * D, "epochs resample: " + differing + " of " + 1000 * D + " pixels differ");
        assertEquals(expected / (1000 * D), sampled / (1000 * D), 5 * Math.sqrt(variance) / (1000 * D));
    }

    @Test
    void oneHotLabelsFollowThePlanOrder() {
        Dataset data = BinarizerTest.grayscale(30, 0, 5, false);
        EpochPlan epoch = planner(data, 6, 3).epoch(4);
        FloatBuffer out = direct(2 * 6 * 3);
        epoch.fillOneHot(out, 2, 2);
        for (int s = 0; s < 2; s++) {
            for (int r = 0; r < 6; r++) {
                int label = data.train().label(epoch.example(2 + s, r));
                float[] row = contents(out, (s * 6 + r) * 3, 3);
                float[] expected = new float[3];
                expected[label] = 1f;
                assertArrayEquals(expected, row);
            }
        }
    }

    @Test
    void unlabelledDataHasNoOneHotAndTooSmallDataHasNoBatch() {
        ImageSet unlabelled = ImageSet.of(new ImageShape(1, 4, 5), new byte[20 * 10], Optional.empty(), List.of());
        Dataset data = new Dataset(BinarizerTest.grayscale(1, 0, 1, false).info(), unlabelled, Optional.empty(), unlabelled, Binarization.NONE);
        EpochPlan epoch = planner(data, 5, 0).epoch(0);
        DataException e = assertThrows(DataException.class, () -> epoch.fillOneHot(direct(100), 0, 1));
        assertTrue(e.getMessage().startsWith("tiny has no labels, so a conditional model cannot train on it"), e.getMessage());
        e = assertThrows(DataException.class, () -> planner(data, 11, 0));
        assertTrue(e.getMessage().startsWith("tiny: the training split has 10 examples, fewer than one batch of 11"), e.getMessage());
    }

    @Test
    void fillingAllocatesNothingPerCall() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean, "needs a JVM that counts allocated bytes");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Dataset data = dynamic(BinarizerTest.grayscale(64, 0, 40, false), 1);
        EpochPlan epoch = planner(data, 8, 1).epoch(0);
        EvalBatches eval = new EvalBatches(data.test(), 8);
        ByteBuffer images = ByteBuffer.allocateDirect(8 * 8 * D);
        FloatBuffer evalImages = direct(8 * 8 * D);
        FloatBuffer labels = direct(8 * 8 * 3);
        Runnable fills = () -> {
            epoch.fillImages(images, 0, 8);
            epoch.fillOneHot(labels, 0, 8);
            eval.fillImages(evalImages, 0, 5);
            eval.fillOneHot(labels, 0, 5);
        };
        for (int i = 0; i < 2000; i++) {
            fills.run();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 500; i++) {
            fills.run();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 2000 fill calls: even one 16-byte object per call would show as 32 kB.
        assertTrue(allocated < 4096, allocated + " bytes allocated by 2000 fill calls");
    }

    @Test
    void evaluationCoversEveryExampleInOrderWithAPartialLastBatch() {
        Dataset data = BinarizerTest.grayscale(10, 0, 23, false);
        EvalBatches eval = new EvalBatches(data.test(), 10);
        assertEquals(3, eval.batches());
        assertEquals(10, eval.batchLength(1));
        assertEquals(3, eval.batchLength(2));
        FloatBuffer out = direct(3 * 10 * D);
        out.put(23 * D, -1f);
        assertEquals(23, eval.fillImages(out, 0, 3));
        for (int i = 0; i < 23; i++) {
            for (int j = 0; j < D; j++) {
                assertEquals(data.test().pixel(i, j) / 255f, out.get(i * D + j));
            }
        }
        assertEquals(-1f, out.get(23 * D), "nothing written past the last example");
        FloatBuffer last = direct(10 * D);
        assertEquals(3, eval.fillImages(last, 2, 1));
        assertArrayEquals(contents(out, 20 * D, 3 * D), contents(last, 0, 3 * D));
        FloatBuffer labels = direct(23 * 3);
        assertEquals(23, eval.fillOneHot(labels, 0, 3));
        for (int i = 0; i < 23; i++) {
            assertEquals(1f, labels.get(i * 3 + data.test().label(i)));
            assertEquals(1f, labels.get(i * 3) + labels.get(i * 3 + 1) + labels.get(i * 3 + 2));
        }
        assertNotEquals(0, eval.batchSize());
    }
}
