package dev.vaelab.tracking;

import dev.vaelab.core.console.ProgressBar;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.LongSupplier;

/**
 * The console view of a training run: per epoch a {@link ProgressBar} labelled {@code epoch i/N}
 * showing the global step, the smoothed training loss, examples per second and the ETA, then one
 * summary line with the epoch's validation metrics. The loss is an exponential moving average over
 * roughly the last {@code 1 / SMOOTHING} steps, because a single batch's loss is too noisy to read.
 * Not thread-safe: the training loop owns it.
 */
public final class TrainingProgress {
    /** Weight of the newest loss in the moving average. */
    public static final double SMOOTHING = 0.05;

    private final PrintStream out;
    private final boolean interactive;
    private final int epochs;
    private final LongSupplier nanoTime;

    private ProgressBar bar;
    private int epoch;
    private long stepsInEpoch;
    private long stepsDone;
    private long globalStep;
    private long examples;
    private long epochStartNanos;
    private double smoothedLoss = Double.NaN;
    private boolean seeded;

    /**
     * @param out where to draw
     * @param interactive redraw one line in place (a terminal) rather than print lines (a log)
     * @param epochs the number of epochs the run trains
     * @param nanoTime the clock for examples per second, {@code System::nanoTime} outside tests
     */
    public TrainingProgress(PrintStream out, boolean interactive, int epochs, LongSupplier nanoTime) {
        this.out = out;
        this.interactive = interactive;
        this.epochs = epochs;
        this.nanoTime = nanoTime;
    }

    /** A display on standard error, redrawn in place when a console is attached. */
    public static TrainingProgress onStderr(int epochs) {
        return new TrainingProgress(System.err, System.console() != null, epochs, System::nanoTime);
    }

    /** Starts epoch {@code epoch} (counted from 1) of {@code steps} steps. */
    public void startEpoch(int epoch, long steps) {
        this.epoch = epoch;
        this.stepsInEpoch = steps;
        this.stepsDone = 0;
        this.examples = 0;
        this.epochStartNanos = nanoTime.getAsLong();
        this.bar = new ProgressBar(out, "epoch " + epoch + "/" + epochs, steps, interactive);
    }

    /** Reports one finished step: its global number, how many examples it trained on and its loss. */
    public void step(long globalStep, long batchExamples, double loss) {
        if (bar == null) {
            throw new IllegalStateException("step reported before startEpoch");
        }
        this.globalStep = globalStep;
        stepsDone++;
        examples += batchExamples;
        // The first step of the run seeds the average, which then carries across epochs; a NaN
        // loss keeps the average NaN, so divergence stays visible.
        smoothedLoss = seeded ? (1 - SMOOTHING) * smoothedLoss + SMOOTHING * loss : loss;
        seeded = true;
        bar.update(stepsDone, this::status);
    }

    /** Prints the epoch summary: the epoch, its time and {@code metrics} in the map's order. */
    public void endEpoch(Map<String, Double> metrics) {
        if (interactive && stepsDone < stepsInEpoch) {
            // The bar ends its line only when full; an epoch that stopped short must end it here.
            out.println();
        }
        StringJoiner line = new StringJoiner("  ");
        line.add("epoch " + epoch + "/" + epochs);
        line.add(ProgressBar.formatDuration(elapsedSeconds()));
        metrics.forEach((key, value) -> line.add(key + " " + format(value)));
        out.println(line);
        out.flush();
    }

    /** The moving average of the training loss; NaN before the first step. */
    public double smoothedLoss() {
        return smoothedLoss;
    }

    /** Examples trained per second in the current epoch so far; 0 before its first step. */
    public double examplesPerSecond() {
        double seconds = elapsedSeconds();
        return seconds > 0 ? examples / seconds : 0;
    }

    private String status() {
        return String.format(Locale.ROOT, "step %d  loss %s  %.0f ex/s", globalStep, format(smoothedLoss),
                examplesPerSecond());
    }

    private double elapsedSeconds() {
        return (nanoTime.getAsLong() - epochStartNanos) / 1e9;
    }

    /** Four decimals in the usual range of losses and ELBOs, scientific notation outside it. */
    static String format(double value) {
        double magnitude = Math.abs(value);
        if (!Double.isFinite(value) || value == 0 || (magnitude >= 1e-3 && magnitude < 1e6)) {
            return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : Double.toString(value);
        }
        return String.format(Locale.ROOT, "%.3e", value);
    }
}
