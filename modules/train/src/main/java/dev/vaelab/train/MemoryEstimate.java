package dev.vaelab.train;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.onnx.autodiff.WeightGradientWorkspace;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Locale;
import java.util.Set;

/**
 * What a run will need before it allocates any of it, from the static shapes of the model's
 * evaluation graph: the parameters, the optimizer's slots, the gradients and the activations at
 * the batch sizes. A run whose need exceeds what this JVM and machine have is refused with one line
 * that names the estimate, the limit and what to change, rather than dying of an
 * {@link OutOfMemoryError} minutes in.
 *
 * <p>Where the bytes live: ONNX Runtime's native memory holds the parameters and slots (twice: a
 * call's inputs and the outputs that become the next call's; once where Adam updates them in place,
 * which the estimate does not count on, as a program may carry them instead), the gradients and the
 * activations.
 * The Java heap holds the parameters and slots as arrays when they are drawn at the start and when
 * a checkpoint is taken (the snapshot, streamed to disk), and twice when a run resumes (the
 * checkpoint's bytes and its values), which is the heap's peak.
 *
 * @param parameters trainable values of the model and head
 * @param largestParameter the name and shape of the biggest parameter tensor, the usual culprit
 * @param largestParameterSize its number of values
 * @param slots the optimizer's state slots per parameter (Adam 2, SGD 0)
 * @param activationsPerExample values of every intermediate tensor for one example
 * @param largestActivationPerExample values of the biggest intermediate tensor for one example
 * @param weightGradientWorkspace values the largest convolution weight gradient gathers for one
 *     training batch (its im2col columns; 0 for MLPs and where it is the batch-axis Conv)
 * @param batchSize training examples per step
 * @param evalBatchSize evaluation examples per call
 * @param probeValues latent means the linear probe holds (training and test examples times the
 *     latent dimensions; 0 without labels), each as a float, a Tribuo double and its feature name
 */
public record MemoryEstimate(long parameters, String largestParameter, long largestParameterSize, int slots,
                             long activationsPerExample, long largestActivationPerExample, long weightGradientWorkspace,
                             int batchSize, int evalBatchSize, long probeValues) {
    private static final long FLOAT = 4;
    /** Heap bytes per probe value: the float mean, Tribuo's double and feature-name reference, and its training copy. */
    static final long PROBE_BYTES_PER_VALUE = 32;
    /** The most values one Java array (and so one parameter) can hold. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** The estimate for {@code evaluation}, whose inputs other than {@code dataInputs} are the parameters. */
    public static MemoryEstimate of(Graph evaluation, Set<String> dataInputs, int slots, int batchSize, int evalBatchSize,
                                    long probeValues) {
        long parameters = 0;
        long largest = 0;
        String largestName = "";
        for (Tensor input : evaluation.inputs()) {
            if (dataInputs.contains(input.name()) || !input.shape().isStatic()) {
                continue;
            }
            long size = input.shape().size();
            parameters = Math.addExact(parameters, size);
            if (size > largest) {
                largest = size;
                largestName = input.name() + " " + input.shape();
            }
        }
        long activations = 0;
        long largestActivation = 0;
        long workspace = 0;
        for (Node node : evaluation.nodes()) {
            workspace = Math.max(workspace, WeightGradientWorkspace.values(node, batchSize));
            for (Tensor out : node.outputs()) {
                long values = perExample(out);
                activations = Math.addExact(activations, values);
                largestActivation = Math.max(largestActivation, values);
            }
        }
        return new MemoryEstimate(parameters, largestName, largest, slots, activations, largestActivation, workspace,
                batchSize, evalBatchSize, probeValues);
    }

    /** Values of {@code t} per example: its size with the batch axis taken as 1; 0 when its shape is not known. */
    private static long perExample(Tensor t) {
        if (t.shape() == null) {
            return 0;
        }
        long n = 1;
        for (long d : t.shape().dims()) {
            if (d == Shape.BATCH) {
                continue;
            }
            if (d < 0) {
                return 0;
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Bytes on the Java heap at its peak: the parameters and slots twice (a resumed checkpoint's bytes
     * and values), or the linear probe's latent means, whichever is more (they are not held together).
     */
    public long heapBytes() {
        return Math.max(modelHeapBytes(), probeHeapBytes());
    }

    private long modelHeapBytes() {
        return Math.multiplyExact(Math.multiplyExact(parameters, 1L + slots), 2 * FLOAT);
    }

    private long probeHeapBytes() {
        return Math.multiplyExact(probeValues, PROBE_BYTES_PER_VALUE);
    }

    /**
     * Bytes of native memory: parameters and slots twice, gradients, the forward values a training
     * step keeps for its backward pass with the largest gradient flowing back and the largest
     * convolution weight gradient's gathered columns, and an evaluation call's largest tensor with
     * its input and output beside it (ONNX Runtime reuses the rest).
     */
    public long nativeBytes() {
        long state = Math.multiplyExact(Math.multiplyExact(parameters, 1L + slots), 2);
        long gradients = parameters;
        long training = Math.addExact(
                Math.multiplyExact(Math.addExact(activationsPerExample, largestActivationPerExample), batchSize),
                weightGradientWorkspace);
        long evaluation = Math.multiplyExact(Math.multiplyExact(largestActivationPerExample, 3), evalBatchSize);
        return Math.multiplyExact(Math.addExact(Math.addExact(state, gradients), Math.addExact(training, evaluation)), FLOAT);
    }

    /**
     * Refuses a run that cannot fit: {@code heapLimit} is what the heap has left for the model,
     * {@code nativeLimit} the machine's memory outside the heap (0 when unknown).
     */
    public void check(long heapLimit, long nativeLimit) {
        if (largestParameterSize > MAX_ARRAY) {
            throw new VaelabException(String.format(Locale.ROOT, "the parameter %s has %d values, more than one array "
                    + "can hold (%d); make that layer smaller (model.latent_dim, the hidden sizes)", largestParameter,
                    largestParameterSize, MAX_ARRAY));
        }
        if (probeHeapBytes() > heapLimit && probeHeapBytes() >= modelHeapBytes()) {
            throw new VaelabException(String.format(Locale.ROOT, "this run needs about %s of Java heap for the linear "
                    + "probe's %s latent means (probe/accuracy, on every training and test example), more than the %s this "
                    + "JVM has left; make model.latent_dim smaller or give Java more (VAELAB_JAVA_OPTS=-Xmx%dg)",
                    bytes(probeHeapBytes()), count(probeValues), bytes(heapLimit),
                    gigabytesAbove(probeHeapBytes() + (Runtime.getRuntime().maxMemory() - heapLimit))));
        }
        if (heapBytes() > heapLimit) {
            throw new VaelabException(String.format(Locale.ROOT, "this run needs about %s of Java heap for its %s "
                    + "parameters and their %d optimizer slots (drawn at the start, copied at each checkpoint, held twice when resuming), more than the %s "
                    + "this JVM has left; make the model smaller (its largest parameter is %s: model.latent_dim, the "
                    + "hidden sizes, or a head with fewer outputs per pixel) or give Java more (VAELAB_JAVA_OPTS=-Xmx%dg)",
                    bytes(heapBytes()), count(parameters), slots, bytes(heapLimit), largestParameter,
                    gigabytesAbove(heapBytes() + (Runtime.getRuntime().maxMemory() - heapLimit))));
        }
        if (nativeLimit > 0 && nativeBytes() > nativeLimit) {
            String columns = weightGradientWorkspace == 0 ? "" : String.format(Locale.ROOT, ", the %s values a "
                    + "convolution's weight gradient gathers (-Dvaelab.conv.weightGradient=conv in VAELAB_JAVA_OPTS avoids "
                    + "them)", count(weightGradientWorkspace));
            throw new VaelabException(String.format(Locale.ROOT, "this run needs about %s of native memory (%s "
                    + "parameters, their optimizer state and gradients, and activations of %s values per example at "
                    + "train.batch_size %d and eval.batch_size %d%s), more than the %s this machine has outside the Java heap; "
                    + "make the batch sizes or the model smaller", bytes(nativeBytes()), count(parameters),
                    count(activationsPerExample), batchSize, evalBatchSize, columns, bytes(nativeLimit)));
        }
    }

    /** Whole gigabytes for a heap whose estimated need is {@code bytes}, with half again for the rest of the run. */
    private static long gigabytesAbove(long bytes) {
        return (bytes + bytes / 2) / (1L << 30) + 1;
    }

    /** {@code 81.2 M}. */
    static String count(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%.1f M", n / 1e6)
                : n >= 1_000 ? String.format(Locale.ROOT, "%.1f k", n / 1e3) : Long.toString(n);
    }

    /** {@code 1.9 GB}, {@code 320 MB}. */
    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", n / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%d MB", (n + (1L << 20) - 1) >> 20);
    }
}
