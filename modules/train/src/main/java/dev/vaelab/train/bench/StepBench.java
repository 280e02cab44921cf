package dev.vaelab.train.bench;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.heads.HeadFactory;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.onnx.optim.Adam;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import dev.vaelab.onnx.runtime.TrainingSession;
import dev.vaelab.zoo.ZooModule;
import dev.vaelab.zoo.model.ModelContext;
import dev.vaelab.zoo.model.ModelFactory;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.network.ImageDims;
import dev.vaelab.zoo.objective.BetaVaeObjective;
import dev.vaelab.zoo.objective.Objective;
import dev.vaelab.zoo.objective.VaeGraphs;
import dev.vaelab.zoo.schedule.ConstantSchedule;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times the training step of one model on generated images, without data files, logging or
 * evaluation: what {@code bench/harness.py --conv} measures for vaelab, and how a conv step is
 * profiled (ORT's per-node trace) and A/B-compared (the first losses of a fixed-seed run).
 *
 * <p>The step is the one {@code vaelab run} trains with the default objective (the same graphs,
 * ELBO with β = 1, Adam, ORT session and chunked calls); the images are seeded uniform bytes and the
 * objective draws its noise from a seeded stream, so two runs with the same arguments see the same
 * numbers. Prints one JSON object on stdout.
 *
 * <pre>
 * java -cp modules/cli/target/vaelab-cli.jar dev.vaelab.train.bench.StepBench \
 *     --model "{type: vae, latent_dim: 10, encoder: {type: conv, preset: burgess}, decoder: {type: conv, preset: burgess}}" \
 *     --shape 1x64x64 --batch 128 --calls 4 --steps-per-call 10 --threads 2 [--profile /tmp/trace]
 * </pre>
 */
public final class StepBench {
    private static final float LR = 1e-3f;

    private StepBench() {
    }

    public static void main(String[] argv) {
        try {
            run(BenchArgs.parse(argv, List.of("model", "head", "shape", "batch", "calls", "warmup-calls", "steps-per-call",
                    "threads", "seed", "profile"), List.of("model")));
        } catch (IllegalArgumentException | VaelabException e) {
            // a bad argument or model YAML: one line, no stack trace
            System.err.println("StepBench: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(Map<String, String> args) {
        String modelYaml = args.get("model");
        String headYaml = args.getOrDefault("head", "{type: bernoulli}");
        String[] dims = args.getOrDefault("shape", "1x28x28").split("x");
        if (dims.length != 3) {
            throw new IllegalArgumentException("--shape is CxHxW, e.g. 1x64x64, got " + args.get("shape"));
        }
        ImageDims image = new ImageDims(BenchArgs.wholeNumber("--shape", dims[0], 1), BenchArgs.wholeNumber("--shape", dims[1], 1), BenchArgs.wholeNumber("--shape", dims[2], 1));
        int batch = BenchArgs.number(args, "batch", 128, 1);
        int calls = BenchArgs.number(args, "calls", 5, 1);
        int warmupCalls = BenchArgs.number(args, "warmup-calls", 1, 0);
        int stepsPerCall = BenchArgs.number(args, "steps-per-call", 10, 1);
        int threads = BenchArgs.number(args, "threads", 2, 1);
        long seed = BenchArgs.number(args, "seed", 0, 0);
        String profile = args.get("profile");

        Injector injector = Guice.createInjector(new ZooModule(), new HeadsModule());
        Map<String, ModelFactory> models = injector.getInstance(Key.get(new TypeLiteral<Map<String, ModelFactory>>() { }));
        Map<String, HeadFactory> heads = injector.getInstance(Key.get(new TypeLiteral<Map<String, HeadFactory>>() { }));
        ComponentSpec headSpec = spec(headYaml);
        LikelihoodHead head = known(heads, headSpec.type(), "--head").create(headSpec);
        ComponentSpec modelSpec = spec(modelYaml);
        VaeModel model = known(models, modelSpec.type(), "--model").create(modelSpec, new ModelContext(image, 0, head.outputsPerPixel()));
        int imageSize = image.channels() * image.height() * image.width();
        VaeGraphs graphs = new VaeGraphs(model, head, imageSize, 0);
        OrtEngine engine = new OrtEngine(threads, true, profile);

        long buildStart = System.nanoTime();
        List<Double> callSeconds = new ArrayList<>();
        List<String> callWaits = new ArrayList<>();
        List<Double> callOtherCpu = new ArrayList<>();
        List<Float> losses = new ArrayList<>();
        Objective objective = new BetaVaeObjective(new ConstantSchedule(1.0), batch, model.latentDim());
        try (TrainingSession session = new TrainingSession(engine,
                TrainingProgramBuilder.build(graphs.trainingStep(batch, objective), Adam.pytorchDefaults(),
                        engine.updatesInPlace()), stepsPerCall)) {
            double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
            session.initialize(new SplittableRandom(seed));
            SplittableRandom data = new SplittableRandom(seed + 1);
            SplittableRandom noise = new SplittableRandom(seed + 2);
            float[] lr = new float[stepsPerCall];
            java.util.Arrays.fill(lr, LR);
            for (int call = 0; call < warmupCalls + calls; call++) {
                long began = System.nanoTime();
                fillImages(session, data, stepsPerCall * batch * imageSize);
                objective.fillStepInputs(session::chunk, (long) call * stepsPerCall, stepsPerCall, noise);
                float[] loss = session.run(stepsPerCall, lr).get("loss");
                double seconds = (System.nanoTime() - began) / 1e9;
                callWaits.add(session.lastThreadWait().name().toLowerCase(Locale.ROOT));
                callOtherCpu.add(session.lastOtherCpuShare());
                for (float l : loss) {
                    losses.add(l);
                }
                if (call >= warmupCalls) {
                    callSeconds.add(seconds);
                }
            }
            double total = callSeconds.stream().mapToDouble(Double::doubleValue).sum();
            double perStep = total / (calls * (double) stepsPerCall);
            StringBuilder json = new StringBuilder("{\"event\": \"step_bench\"");
            json.append(String.format(Locale.ROOT, ", \"batch\": %d, \"steps_per_call\": %d, \"calls\": %d, \"threads\": %d",
                    batch, stepsPerCall, calls, engine.threads()));
            json.append(String.format(Locale.ROOT, ", \"build_seconds\": %.3f, \"seconds_per_step\": %.6f"
                    + ", \"seconds_per_1000_images\": %.6f", buildSeconds, perStep, perStep * 1000.0 / batch));
            json.append(", \"updates_in_place\": ").append(session.program().updatesInPlace());
            json.append(", \"call_seconds\": ").append(numbers(callSeconds));
            // how each call's threads waited (warm-up calls included) and the rest of the machine's CPU during it, in cores
            json.append(", \"call_waits\": [").append(String.join(", ", callWaits.stream().map(w -> '"' + w + '"').toList()))
                    .append(']');
            json.append(", \"call_other_cpu\": ").append(numbers(callOtherCpu).replace("NaN", "null"));
            json.append(", \"losses\": ").append(numbers(losses));
            json.append(", \"peak_heap_mib\": ").append(Runtime.getRuntime().totalMemory() >> 20);
            System.out.println(json.append('}'));
        }
    }

    /** One call's images: seeded uniform bytes. */
    private static void fillImages(TrainingSession session, SplittableRandom data, int count) {
        byte[] bytes = new byte[count];
        data.nextBytes(bytes);
        session.byteChunk("x").put(bytes);
    }

    private static String numbers(List<? extends Number> values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            s.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.9g", values.get(i).doubleValue()));
        }
        return s.append(']').toString();
    }

    private static <T> T known(Map<String, T> byType, String type, String option) {
        T factory = byType.get(type);
        if (factory == null) {
            throw new IllegalArgumentException(option + ": unknown type '" + type + "'; known: " + byType.keySet());
        }
        return factory;
    }

    private static ComponentSpec spec(String yaml) {
        return ComponentSpec.from(ConfigLoader.parse(yaml, "<StepBench>"));
    }
}
