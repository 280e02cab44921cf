package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.inject.Injector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates the experiment files a few hundred times with a fixed seed (keys deleted, duplicated and
 * retyped, values swapped between keys, extreme numbers, unicode, truncation, binary bytes) and
 * runs each mutant: every outcome must be a success or exactly one line {@code error: ...}, within
 * a time bound, never a stack trace or a hang. Most mutants are validated ({@code sweep --dry-run}
 * plans and resolves every run without training); those of a tiny base experiment whose
 * {@code train.max_steps} stays small are trained for real on generated data.
 */
class ExperimentFuzzTest {
    private static final long SEED = 15;
    private static final int MUTANTS = 300;
    private static final long SECONDS_PER_MUTANT = 20;
    private static final Path EXPERIMENTS = Path.of("../../experiments");

    /** A base that trains in well under a second on the generated data, so that its mutants can run. */
    private static final String TINY = String.join("\n",
            "name: tiny",
            "seed: 1",
            "data: {dataset: mnist, binarize: dynamic, validation: 50}",
            "model:",
            "  type: vae",
            "  latent_dim: 2",
            "  encoder: {type: mlp, hidden: [8], activation: relu}",
            "  decoder: {type: mlp, hidden: [8], activation: tanh}",
            "likelihood: {type: bernoulli}",
            "beta: {type: constant, value: 1.0}",
            "train:",
            "  epochs: 1",
            "  batch_size: 25",
            "  max_steps: 3",
            "  optimizer: {type: adam, lr: 1.0e-3}",
            "eval: {batch_size: 50}",
            "log: {every_steps: 1, grids_every_epochs: 1}",
            "export: {onnx: false}",
            "");

    private static final String[] ODD_VALUES = {
        "abc", "''", "[]", "{}", "[1, 2]", "{type: nosuch}", "true", "null", "~", "-1", "0", "1.5", "2147483648",
        "-2147483649", "9223372036854775808", "1e308", "-1e308", "1e-320", ".nan", ".inf", "-.inf", "0x10", "007",
        "100000", "2147483647", "\"\u00e9t\u00e9 \u2603\"", "\u202e\u0000x", "&a", "*a", "!!binary AAAA", "|", ">", "- x",
    };

    @TempDir
    static Path dir;

    private static Injector injector;
    private static ExecutorService executor;

    @BeforeAll
    static void setUp() throws IOException {
        injector = SyntheticDigits.injector(dir.resolve("data"), 3, 200, 50, true);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void tearDown() {
        executor.shutdownNow();
    }

    private record Base(String name, String text, boolean tiny) {
    }

    private record Outcome(int code, String err) {
    }

    @Test
    void everyMutantEndsInSuccessOrOneLineWithinTheTimeBound() throws Exception {
        List<Base> bases = new ArrayList<>();
        bases.add(new Base("tiny", TINY, true));
        try (Stream<Path> files = Files.list(EXPERIMENTS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                bases.add(new Base(f.getFileName().toString(), Files.readString(f), false));
            }
        }
        Random random = new Random(SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        int trained = 0;
        long start = System.nanoTime();
        for (int i = 0; i < MUTANTS; i++) {
            // the tiny base gets a third of the mutants, so that a good number of them train
            Base base = random.nextInt(3) == 0 ? bases.get(0) : bases.get(1 + random.nextInt(bases.size() - 1));
            String mutation = mutate(base.text(), random);
            String kind = mutation.substring(0, mutation.indexOf('\n'));
            byte[] text = mutation.substring(mutation.indexOf('\n') + 1).getBytes(StandardCharsets.UTF_8);
            if (kind.equals("binary")) {
                text = new byte[1 + random.nextInt(64)];
                random.nextBytes(text);
            }
            Path file = dir.resolve("mutant-" + i + ".yaml");
            Files.write(file, text);
            boolean train = base.tiny() && boundedTraining(new String(text, StandardCharsets.UTF_8));
            String[] args = train
                    ? new String[] {"run", file.toString(), "--results", dir.resolve("results-" + i).toString(),
                        "--data-dir", dir.resolve("data").toString(), "--threads", "1"}
                    : new String[] {"sweep", file.toString(), "--dry-run", "--results", dir.resolve("results").toString()};
            Outcome outcome = runBounded(args, file, kind, new String(text, StandardCharsets.UTF_8));
            String err = outcome.err().strip();
            String where = "mutant " + i + " (" + kind + " of " + base.name() + ", " + String.join(" ", args) + "):\n"
                    + new String(text, StandardCharsets.UTF_8) + "\n---\n" + outcome.err();
            if (outcome.code() == 0) {
                trained += train ? 1 : 0;
                outcomes.merge(train ? "trained" : "valid", 1, Integer::sum);
            } else {
                assertTrue(outcome.code() == 1, "exit code " + outcome.code() + " for " + where);
                assertTrue(err.startsWith("error: "), "not an error line: " + where);
                assertTrue(err.lines().count() == 1, "more than one line: " + where);
                assertTrue(!err.contains("\tat ") && !err.contains("internal error") && !err.contains("Exception")
                        && !err.contains("java.") && !err.contains("org.snakeyaml"), "a Java failure reached the user: " + where);
                String message = err.substring(7).replaceFirst("^\\S*mutant-\\d+\\.yaml(:\\d+:\\d+)?:? ?", "");
                outcomes.merge(message.substring(0, Math.min(message.length(), 30)), 1, Integer::sum);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("fuzz: %d mutants in %.1f s, %d trained; outcomes: %s%n", MUTANTS, seconds, trained, outcomes);
        assertTrue(trained >= 5, "too few mutants trained to exercise the run path: " + trained + " " + outcomes);
        assertTrue(outcomes.getOrDefault("valid", 0) >= 10, "too few valid mutants: " + outcomes);
    }

    /** Whether a mutant of the tiny base keeps its training short: max_steps still a small number. */
    private static boolean boundedTraining(String text) {
        return text.contains("  max_steps: 3\n") && text.contains("  batch_size: 25\n") && text.contains("latent_dim: 2\n")
                && text.contains("  epochs: 1\n") && text.contains("validation: 50}") && text.contains("hidden: [8]");
    }

    private static Outcome runBounded(String[] args, Path file, String kind, String text) throws Exception {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream console = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        Future<Integer> code = executor.submit(() -> Main.execute(injector, new PrintWriter(err, true), args));
        try {
            return new Outcome(code.get(SECONDS_PER_MUTANT, TimeUnit.SECONDS), err.toString());
        } catch (TimeoutException e) {
            code.cancel(true);
            fail("no answer within " + SECONDS_PER_MUTANT + " s: " + kind + " " + String.join(" ", args) + "\n" + text);
            throw e;
        } finally {
            System.setOut(console);
        }
    }

    /** One mutation of {@code text}: its kind on the first line, then the mutated text. */
    static String mutate(String text, Random random) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int n = lines.size();
        int at = random.nextInt(Math.max(1, n - 1));
        String line = lines.get(at);
        int colon = line.indexOf(':');
        switch (random.nextInt(9)) {
            case 0 -> {
                lines.remove(at);
                return "delete\n" + String.join("\n", lines);
            }
            case 1 -> {
                lines.add(at, line);
                return "duplicate\n" + String.join("\n", lines);
            }
            case 2 -> {
                if (colon < 0) {
                    return "truncate\n" + text.substring(0, random.nextInt(text.length() + 1));
                }
                lines.set(at, line.substring(0, colon + 1) + " " + ODD_VALUES[random.nextInt(ODD_VALUES.length)]);
                return "retype\n" + String.join("\n", lines);
            }
            case 3 -> {
                int other = random.nextInt(Math.max(1, n - 1));
                String b = lines.get(other);
                int colonB = b.indexOf(':');
                if (colon < 0 || colonB < 0) {
                    return "swap-lines\n" + swapLines(lines, at, other);
                }
                lines.set(at, line.substring(0, colon + 1) + b.substring(colonB + 1));
                lines.set(other, b.substring(0, colonB + 1) + line.substring(colon + 1));
                return "swap-values\n" + String.join("\n", lines);
            }
            case 4 -> {
                // every number in the line becomes an extreme one
                String extreme = new String[] {"0", "-1", "2147483647", "2147483648", "99999999999999999999", "1e300",
                        "-0.0", "1e-300", "100000"}[random.nextInt(9)];
                lines.set(at, line.replaceAll("(?<![A-Za-z_])[0-9]+(\\.[0-9]+)?(e[-+]?[0-9]+)?", extreme));
                return "extreme\n" + String.join("\n", lines);
            }
            case 5 -> {
                String odd = new String[] {"\u00e9", "\u2603", "\ud83d\ude00", "\u202e", "\u0000", "\ufeff", "\t", "\u00a0"}
                        [random.nextInt(8)];
                int pos = random.nextInt(line.length() + 1);
                lines.set(at, line.substring(0, pos) + odd + line.substring(pos));
                return "unicode\n" + String.join("\n", lines);
            }
            case 6 -> {
                return "truncate\n" + text.substring(0, random.nextInt(text.length() + 1));
            }
            case 7 -> {
                // a key moved to another section: the same line at another indentation
                lines.set(at, line.startsWith("  ") ? line.strip() : "  " + line);
                return "reindent\n" + String.join("\n", lines);
            }
            default -> {
                return "binary\n";
            }
        }
    }

    private static String swapLines(List<String> lines, int a, int b) {
        String t = lines.get(a);
        lines.set(a, lines.get(b));
        lines.set(b, t);
        return String.join("\n", lines);
    }
}
