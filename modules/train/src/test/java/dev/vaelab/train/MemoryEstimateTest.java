package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The estimate counted on a graph whose sizes are known by hand, and the refusals it makes. */
class MemoryEstimateTest {
    /** x [N, 4] · w [4, 3] + b [3], then relu: 15 parameters, 3 + 3 + 3 activations per example. */
    private static Graph layer() {
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 4));
        Tensor w = g.input("w", DType.FLOAT, Shape.of(4, 3));
        Tensor b = g.input("b", DType.FLOAT, Shape.of(3));
        g.output("h", g.relu(g.add(g.matmul(x, w), b)));
        return g;
    }

    @Test
    void countsParametersAndActivationsFromStaticShapes() {
        MemoryEstimate e = MemoryEstimate.of(layer(), Set.of("x"), 2, 10, 100, 7);
        assertEquals(15, e.parameters());
        assertEquals("w [4, 3]", e.largestParameter());
        assertEquals(12, e.largestParameterSize());
        assertEquals(9, e.activationsPerExample());
        assertEquals(3, e.largestActivationPerExample());
        // heap: (1 + 2 slots) x 15 floats, twice (the snapshot and its serialised bytes)
        assertEquals(15 * 3 * 2 * 4, e.heapBytes());
        // native: state twice, gradients, (all activations + the largest's gradient) x batch, 3 largest x eval batch
        assertEquals((15 * 3 * 2 + 15 + (9 + 3) * 10 + 3 * 3 * 100) * 4, e.nativeBytes());
        e.check(e.heapBytes(), e.nativeBytes()); // exactly enough is enough
    }

    @Test
    void aConvolutionsGatheredWeightGradientColumnsAreCountedForTheTrainingBatch() {
        // x [N, 16, 8, 8] -> 4x4 stride-2 conv (32 channels) -> [N, 32, 4, 4]: the im2col weight gradient gathers
        // 4·4 positions × 16 taps × 16 channels = 4096 values per example
        Graph g = new Graph(DType.FLOAT);
        Tensor x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 16, 8, 8));
        Tensor w = g.input("w", DType.FLOAT, Shape.of(32, 16, 4, 4));
        g.output("y", g.conv(x, w, null, 2, 1));
        MemoryEstimate e = MemoryEstimate.of(g, Set.of("x"), 2, 10, 100, 0);
        assertEquals(4096L * 10, e.weightGradientWorkspace());
        assertEquals(512, e.activationsPerExample());
        assertEquals((8192 * 3 * 2 + 8192 + (512 + 512) * 10 + 4096 * 10 + 512 * 3 * 100) * 4L, e.nativeBytes());
        VaelabException refused = assertThrows(VaelabException.class, () -> e.check(1L << 30, 1L << 19));
        assertEquals("this run needs about 1 MB of native memory (8.2 k parameters, their optimizer state and gradients, "
                + "and activations of 512 values per example at train.batch_size 10 and eval.batch_size 100, the 41.0 k "
                + "values a convolution's weight gradient gathers (-Dvaelab.conv.weightGradient=conv in VAELAB_JAVA_OPTS "
                + "avoids them)), more than the 1 MB this machine has outside the Java heap; make the batch sizes or the "
                + "model smaller", refused.getMessage());
    }

    @Test
    void aRunThatCannotFitIsRefusedWithTheEstimateTheLimitAndWhatToChange() {
        // the categorical head on the default MLP: 400 x (784 x 256) decoder weights, Adam's two slots
        MemoryEstimate categorical = new MemoryEstimate(80_820_744L, "decoder/out/w [400, 200704]", 80_281_600L, 2,
                2_000_000L, 200_704L, 0, 128, 500, 70_000L * 20);
        assertEquals(80_820_744L * 3 * 8, categorical.heapBytes());
        VaelabException heap = assertThrows(VaelabException.class, () -> categorical.check(1L << 30, 64L << 30));
        String expected = "this run needs about 1.8 GB of Java heap for its 80.8 M parameters and their 2 optimizer slots "
                + "(drawn at the start, copied at each checkpoint, held twice when resuming), more than the 1.0 GB this JVM has left; make the model smaller "
                + "(its largest parameter is decoder/out/w [400, 200704]: model.latent_dim, the hidden sizes, or a head "
                + "with fewer outputs per pixel) or give Java more (VAELAB_JAVA_OPTS=-Xmx";
        assertEquals(expected, heap.getMessage().substring(0, expected.length()));

        VaelabException nativeMemory = assertThrows(VaelabException.class, () -> categorical.check(8L << 30, 1L << 30));
        assertEquals("this run needs about 4.3 GB of native memory (80.8 M parameters, their optimizer state and "
                + "gradients, and activations of 2.0 M values per example at train.batch_size 128 and eval.batch_size 500), "
                + "more than the 1.0 GB this machine has outside the Java heap; make the batch sizes or the model smaller",
                nativeMemory.getMessage());

        // latent_dim 5000 on MNIST: small networks, but 70,000 x 5000 latent means for the probe
        MemoryEstimate wide = new MemoryEstimate(6_000_000L, "encoder/out/w [400, 10000]", 4_000_000L, 2, 20_000L, 10_000L, 0,
                128, 500, 70_000L * 5000);
        assertEquals(70_000L * 5000 * 32, wide.heapBytes());
        assertEquals("this run needs about 10.4 GB of Java heap for the linear probe's 350.0 M latent means "
                + "(probe/accuracy, on every training and test example), more than the 1.0 GB this JVM has left; make "
                + "model.latent_dim smaller or give Java more (VAELAB_JAVA_OPTS=-Xmx",
                assertThrows(VaelabException.class, () -> wide.check(1L << 30, 64L << 30)).getMessage().replaceAll("\\d+g\\)$", ""));

        MemoryEstimate tooBig = new MemoryEstimate(3_000_000_000L, "encoder/w [400, 7500000]", 3_000_000_000L, 0, 1, 1, 0, 1, 1, 0);
        assertEquals("the parameter encoder/w [400, 7500000] has 3000000000 values, more than one array can hold "
                + "(2147483639); make that layer smaller (model.latent_dim, the hidden sizes)",
                assertThrows(VaelabException.class, () -> tooBig.check(Long.MAX_VALUE, 0)).getMessage());
    }
}
