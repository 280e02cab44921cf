package dev.vaelab.onnx.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.NodeRewrite;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * ONNX Runtime as this engine's executor: creates sessions with the run's thread budget (intra-op
 * threads = the cores given to the run, so parallel runs of a sweep do not fight) and tensors.
 */
public final class OrtEngine {
    /**
     * How ORT's intra-op threads wait for work ({@link ThreadWait}): {@code -Dvaelab.ort.allowSpinning=auto}
     * (the default) lets each training session choose call by call, by measurement
     * ({@link AdaptiveThreadWait}), and every other session sleep; {@code 1} spins everywhere (ORT's own
     * default), {@code 0} sleeps everywhere. Spinning saves a wake-up per parallel section on idle cores
     * and burns the core a competing process needs on busy ones: on a loaded machine a step took
     * 2.2-4.3x as long with it (bench/README.md, "Spinning threads").
     */
    public static final String ALLOW_SPINNING_PROPERTY = "vaelab.ort.allowSpinning";
    /**
     * Whether ORT's threads flush denormal floats to zero ({@code -Dvaelab.ort.denormalAsZero=1}, vaelab's
     * default, as TensorFlow does on CPU) or compute with them ({@code 0}, ORT's default). Adam's second
     * moments of weights that never get a gradient (an MNIST digit's empty border) decay into the
     * denormal range, where every multiply takes many times longer: the MLP's third epoch took 1.7x its
     * first with them and the same time without, to the same test ELBO (bench/README.md). ORT applies
     * it to its own threads and, once per process, to the thread that creates the first session.
     */
    public static final String DENORMAL_AS_ZERO_PROPERTY = "vaelab.ort.denormalAsZero";
    /**
     * Whether convolutions run on ORT's NCHWc kernels where this machine has them
     * ({@code -Dvaelab.ort.nchwc=1}, the default) or on its generic Conv and ConvTranspose ({@code 0}):
     * the same values up to float summation order, 1.8-3.2x faster per layer on the conv nets' layers
     * (bench/README.md, "NCHWc convolutions"). {@link NchwcConvolutions} says how.
     */
    public static final String NCHWC_PROPERTY = "vaelab.ort.nchwc";
    /**
     * Whether ORT plans each session's intermediate tensors as one block per input shape
     * ({@code -Dvaelab.ort.memoryPattern=1}, ORT's default) or allocates them from its arena as they
     * come ({@code 0}, vaelab's default). The planned blocks of a training session, its evaluation
     * session and the encoder's and decoder's add up: a 64x64 conv run on the full sprites set peaked
     * at 1621 MiB with them and 1048 without, at the same speed (bench/README.md, "Memory").
     */
    public static final String MEMORY_PATTERN_PROPERTY = "vaelab.ort.memoryPattern";
    /**
     * Whether the fused operators with a kernel in vaelab's native library (Adam's update, the ReLU
     * gradient and its bias sum, convolution weight gradients, the Bernoulli log-likelihood, and the
     * NCHWc convolutions' interleave, filters and one-channel layer, with maps kept in channel blocks
     * between them) run as those kernels ({@code -Dvaelab.ort.fusedKernels=1}, the default where the
     * library was built) or as their ONNX lowerings ({@code 0}): the same numbers either way, or the
     * same to float rounding where a kernel sums in its own order, with conv-net steps taking about
     * half the time or less on the kernels in paired measurements ({@link FusedKernels},
     * {@link NchwcConvolutions}, bench/README.md "Fused kernels" and "Maps in channel blocks").
     */
    public static final String FUSED_KERNELS_PROPERTY = "vaelab.ort.fusedKernels";
    /**
     * Whether a training program updates its parameters and optimizer state in place, in the buffers
     * the session feeds to every call, where the optimizer can and the fused kernels run
     * ({@code -Dvaelab.ort.inPlaceUpdates=1}, the default), or carries them through the Loop into new
     * buffers at every step ({@code 0}): the same numbers either way; Adam's update of the MNIST MLP
     * took about half the time in place (bench/README.md, "Adam's update in place").
     */
    public static final String IN_PLACE_UPDATES_PROPERTY = "vaelab.ort.inPlaceUpdates";
    /** This machine's NCHWc block size, asked of ORT once per process (0: none); null until asked. */
    private static volatile Integer probedBlockSize;
    private final OrtEnvironment env = sharedEnvironment();
    private final int threads;
    private final boolean optimize;
    private final String profilePrefix;
    /** How sessions' threads wait, or null where training sessions choose per call (then others sleep). */
    private final ThreadWait threadWait;
    private final String denormalAsZero;
    private final String memoryPattern;
    private final NodeRewrite rewrite;
    /** vaelab's native kernels, registered on every session; null when off or not built */
    private final String kernelLibrary;
    private final boolean inPlaceUpdates;
    /**
     * Shared by every call of this engine's sessions, so that {@link #terminate()} ends them all: a
     * stopping process must not exit under a running call, as exiting runs ONNX Runtime's hook and
     * native destructors (ProcessStop says more).
     */
    private final OrtSession.RunOptions calls;

    /**
     * @param threads intra-op threads, 0 for all available processors
     * @param optimize whether ORT graph optimizations are on (always, except in parity tests)
     */
    public OrtEngine(int threads, boolean optimize) {
        this(threads, optimize, null);
    }

    /** As above, writing ORT's per-operator profile (Chrome trace JSON) under {@code profilePrefix}. */
    public OrtEngine(int threads, boolean optimize, String profilePrefix) {
        this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.optimize = optimize;
        this.profilePrefix = profilePrefix;
        // read here, before a run records anything, so that a bad value stops it with one line
        this.threadWait = threadWait(System.getProperty(ALLOW_SPINNING_PROPERTY, "auto"));
        this.denormalAsZero = switchValue(DENORMAL_AS_ZERO_PROPERTY, "1");
        this.memoryPattern = switchValue(MEMORY_PATTERN_PROPERTY, "0");
        try {
            this.calls = new OrtSession.RunOptions();
            // a call's failure reaches the caller as an exception with its message; ORT's own log line for it (every
            // stop's "Exiting due to terminate flag") is noise on the console
            this.calls.setLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not make run options: " + e.getMessage(), e);
        }
        boolean nchwc = switchValue(NCHWC_PROPERTY, "1").equals("1");
        boolean fused = switchValue(FUSED_KERNELS_PROPERTY, "1").equals("1");
        this.kernelLibrary = fused ? NativeKernels.library().map(Object::toString).orElse(null) : null;
        this.inPlaceUpdates = switchValue(IN_PLACE_UPDATES_PROPERTY, "1").equals("1") && kernelLibrary != null;
        // the probe's session is made like every other (it may be the process's first, which fixes the denormal mode)
        int block = nchwc ? nchwcBlockSize() : 0;
        NodeRewrite convolutions = block > 0 ? new NchwcConvolutions(block, kernelLibrary != null) : NodeRewrite.NONE;
        this.rewrite = kernelLibrary != null
                ? NodeRewrite.both(convolutions, NodeRewrite.both(new BiasSums(), new FusedKernels())) : convolutions;
    }

    /**
     * The process's ORT environment (every vaelab session uses it). Its first use unpacks ORT's native libraries into {@code java.io.tmpdir}; a
     * folder that is missing, full or not executable is a setting to fix, said in one line.
     */
    public static OrtEnvironment sharedEnvironment() {
        try {
            return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "vaelab");
        } catch (RuntimeException | LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new VaelabException("ONNX Runtime could not load its native library from " + System.getProperty("java.io.tmpdir")
                    + " (" + root + "): point -Djava.io.tmpdir (in VAELAB_JAVA_OPTS) at a writable folder that allows executables", e);
        }
    }

    /** Runs {@code session} on {@code inputs} as a call {@link #terminate()} can end. */
    public OrtSession.Result run(OrtSession session, java.util.Map<String, ? extends ai.onnxruntime.OnnxTensorLike> inputs)
            throws OrtException {
        return session.run(inputs, calls);
    }

    /**
     * Ends the calls running now, between two of their nodes, and every later one, with an
     * {@link OrtException}: what a process asked to stop does first, so that its training thread
     * leaves ONNX Runtime at once, even from a long evaluation or a long chunk of steps.
     */
    public void terminate() {
        try {
            calls.setTerminate(true);
        } catch (OrtException e) {
            // no flag set: the training thread leaves at its next check, or the process halts after its grace
        }
    }

    public int threads() {
        return threads;
    }

    public OrtEnvironment environment() {
        return env;
    }

    /**
     * This machine's NCHWc block size (16 floats with AVX-512, 8 with AVX2), or 0 where ORT has no
     * NCHWc kernels worth using; asked of ORT once per process.
     */
    public int nchwcBlockSize() {
        Integer block = probedBlockSize;
        if (block == null) {
            block = NchwcProbe.blockSize(this);
            probedBlockSize = block;
        }
        return block;
    }

    /**
     * A session for {@code graph}, serialized for this engine: with its convolutions on NCHWc kernels
     * where the machine has them and its fused operators on vaelab's kernels where they were built
     * (so the model is this engine's own, not a portable one).
     */
    public OrtSession session(Graph graph, String name) {
        return session(model(graph, name));
    }

    /** Whether this engine runs vaelab's fused kernels (switched on, and built for this platform). */
    public boolean fusedKernels() {
        return kernelLibrary != null;
    }

    /**
     * Whether training programs for this engine update their state in place
     * ({@link TrainingProgramBuilder#build(TrainingProgramBuilder.StepFunction, dev.vaelab.onnx.optim.Optimizer, boolean)}):
     * switched on, and the fused kernels that do it run here.
     */
    public boolean updatesInPlace() {
        return inPlaceUpdates;
    }

    /** What this engine rewrites in a graph it runs: NCHWc convolutions and fused kernels, where it has them. */
    public NodeRewrite rewrite() {
        return rewrite;
    }

    /**
     * Whether training sessions choose how their threads wait call by call ({@code -D}{@value #ALLOW_SPINNING_PROPERTY}
     * {@code =auto}), with one session for each way ({@link #session(byte[], ThreadWait)}); not with one thread,
     * which has no other thread to wait.
     */
    public boolean adaptsThreadWait() {
        return threadWait == null && threads > 1;
    }

    /** How this engine's sessions' threads wait: as its switch says, asleep where training sessions adapt. */
    public ThreadWait threadWait() {
        return threadWait == null ? ThreadWait.SLEEP : threadWait;
    }

    /** A session for a serialized model, its threads waiting as {@link #threadWait()} says. */
    public OrtSession session(byte[] model) {
        return session(model, threadWait());
    }

    /** The model a session for {@code graph} runs on this engine (see {@link #session(Graph, String)}). */
    public byte[] model(Graph graph, String name) {
        return OnnxModelWriter.toBytes(graph, OnnxModelWriter.Options.named(name).withRewrite(rewrite));
    }

    /**
     * A session for a serialized model whose threads wait {@code wait}. A spinning session's threads stop
     * spinning when its call returns, so that they do not hold the cores while another session runs.
     */
    public OrtSession session(byte[] model, ThreadWait wait) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(optimize
                    ? OrtSession.SessionOptions.OptLevel.ALL_OPT
                    : OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            options.addConfigEntry("session.intra_op.allow_spinning", wait == ThreadWait.SPIN ? "1" : "0");
            options.addConfigEntry("session.force_spinning_stop", "1");
            options.addConfigEntry("session.set_denormal_as_zero", denormalAsZero);
            options.setMemoryPatternOptimization(memoryPattern.equals("1"));
            if (kernelLibrary != null) {
                options.registerCustomOpLibrary(kernelLibrary);
            }
            if (profilePrefix != null) {
                options.enableProfiling(profilePrefix);
            }
            return env.createSession(model, options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejected a graph: " + e.getMessage(), e);
        }
    }

    private static ThreadWait threadWait(String value) {
        return switch (value) {
            case "0" -> ThreadWait.SLEEP;
            case "1" -> ThreadWait.SPIN;
            case "auto" -> null;
            default -> throw new VaelabException("-D" + ALLOW_SPINNING_PROPERTY + " must be auto, 0 or 1, got " + value
                    + " (set in VAELAB_JAVA_OPTS)");
        };
    }

    private static String switchValue(String property, String otherwise) {
        String value = System.getProperty(property, otherwise);
        if (!value.equals("0") && !value.equals("1")) {
            throw new VaelabException("-D" + property + " must be 0 or 1, got " + value + " (set in VAELAB_JAVA_OPTS)");
        }
        return value;
    }

    /** Closes {@code session}, for {@code close()} methods that cannot throw ORT's checked exception. */
    public static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing an ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }

    /** A direct, native-order float buffer, which ORT reads in place without copying. */
    public static FloatBuffer directFloats(long count) {
        return ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** A float tensor over a direct buffer: refilling the buffer changes the tensor's values. */
    public OnnxTensor tensor(FloatBuffer direct, long... shape) {
        try {
            return OnnxTensor.createTensor(env, direct, shape);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A uint8 tensor over a direct buffer: refilling the buffer changes the tensor's values. */
    public OnnxTensor byteTensor(ByteBuffer direct, long... shape) {
        try {
            return OnnxTensor.createTensor(env, direct, shape, OnnxJavaType.UINT8);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A float tensor holding a copy of {@code values}. */
    public OnnxTensor tensor(float[] values, long... shape) {
        FloatBuffer b = directFloats(values.length);
        b.put(values).rewind();
        return tensor(b, shape);
    }

    /** The entries of {@code available} that {@code session} takes as inputs. */
    public static <T> java.util.Map<String, T> inputsOf(OrtSession session, java.util.Map<String, T> available) {
        java.util.Map<String, T> out = new java.util.HashMap<>();
        for (String name : session.getInputNames()) {
            T value = available.get(name);
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }

    public OnnxTensor scalar(long value) {
        try {
            return OnnxTensor.createTensor(env, value);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    public OnnxTensor scalar(float value) {
        try {
            return OnnxTensor.createTensor(env, value);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
