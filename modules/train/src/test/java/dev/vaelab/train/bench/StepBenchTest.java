package dev.vaelab.train.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** StepBench trains the same numbers for the same arguments (what the A/B pairs compare) and times every timed step. */
class StepBenchTest {
    private static final String CONV = "{type: vae, latent_dim: 4, encoder: {type: conv, channels: [4, 8], hidden: [16]},"
            + " decoder: {type: conv, channels: [4, 8], hidden: [16]}}";

    @Test
    void sameSeedSameLossesAndEveryCallTimed() {
        String first = run("0");
        String again = run("0");
        String other = run("1");
        double[] losses = losses(first);
        assertEquals(2 * 3, losses.length, "warm-up call and timed call, 3 steps each: " + first);
        assertTrue(Arrays.stream(losses).allMatch(l -> Double.isFinite(l) && l > 0), first);
        assertEquals(Arrays.toString(losses), Arrays.toString(losses(again)));
        assertNotEquals(Arrays.toString(losses), Arrays.toString(losses(other)));
        assertEquals(1, first.split("\"call_seconds\": \\[")[1].split("]")[0].split(",").length, first);
        assertTrue(first.contains("\"batch\": 8"), first);
    }

    private static String run(String seed) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            StepBench.main(new String[] {"--model", CONV, "--shape", "1x8x8", "--batch", "8", "--calls", "1",
                    "--steps-per-call", "3", "--threads", "1", "--seed", seed});
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double[] losses(String json) {
        Matcher m = Pattern.compile("\"losses\": \\[([^\\]]*)]").matcher(json);
        assertTrue(m.find(), json);
        return Arrays.stream(m.group(1).split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
    }
}
