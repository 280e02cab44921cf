package dev.vaelab.metrics.disentanglement;

import dev.vaelab.core.error.VaelabException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The FactorVAE disentanglement score of Kim and Mnih 2018, "Disentangling by Factorising", as
 * disentanglement_lib's {@code factor_vae.py} computes it, with its published settings
 * ({@code unsupervised_study_v1/metric_configs/factor_vae_metric.gin}): batches of 64 points, 10,000
 * training votes, 5,000 evaluation votes, and latents whose standard deviation over the sample is
 * below 0.05 dropped as collapsed.
 *
 * <p>Each latent is normalised by its variance over the whole sample (the reference estimates it
 * from 10,000 points; here from all points of the sample, which is 10,000 by default). One vote picks
 * a factor {@code k} uniformly, then a value of it, takes a batch of points whose factor {@code k}
 * has that value, and votes for the pair (the active latent with the least normalised variance in
 * the batch, {@code k}). The classifier maps each latent to the factor it got most votes from
 * (lowest factor index on ties), and the score is its accuracy on the held-out evaluation votes: 1
 * when fixing any factor freezes a latent of its own, {@code 1/F} by chance.
 *
 * <p>The reference renders fresh observations for each batch from the generator; here the batch
 * is drawn from the encoded sample instead: the value is that of a uniformly drawn point (so values
 * follow the sample's distribution, as the generator's would), and the batch is
 * {@code min(64, m)} distinct points among the {@code m} sharing it. Points whose value no other
 * point shares cannot form a batch and are never drawn as the anchor.
 */
public final class FactorVaeScore {
    /** The published settings. */
    public record Settings(int batchSize, int trainVotes, int evalVotes, double collapsedStd) {
        public static final Settings PUBLISHED = new Settings(64, 10_000, 5_000, 0.05);

        public Settings {
            if (batchSize < 2 || trainVotes < 1 || evalVotes < 1 || !(collapsedStd >= 0)) {
                throw new IllegalArgumentException("invalid FactorVAE settings: batch " + batchSize + ", votes "
                        + trainVotes + "/" + evalVotes + ", collapsed std " + collapsedStd);
            }
        }
    }

    private final Settings settings;

    public FactorVaeScore() {
        this(Settings.PUBLISHED);
    }

    public FactorVaeScore(Settings settings) {
        this.settings = settings;
    }

    /** The evaluation accuracy; 0 when every latent has collapsed. */
    public double score(FactorSample sample, SplittableRandom random) {
        int dims = sample.dims();
        double[] variance = new double[dims];
        int[] active = new int[dims];
        int activeCount = 0;
        for (int d = 0; d < dims; d++) {
            variance[d] = Statistics.variance(sample.latent(d));
            if (Math.sqrt(variance[d]) >= settings.collapsedStd()) {
                active[activeCount++] = d;
            }
        }
        if (activeCount == 0) {
            return 0;
        }
        int[] activeDims = Arrays.copyOf(active, activeCount);
        Groups groups = new Groups(sample);
        long[][] train = votes(sample, groups, variance, activeDims, settings.trainVotes(), random);
        long[][] eval = votes(sample, groups, variance, activeDims, settings.evalVotes(), random);
        long correct = 0;
        long total = 0;
        for (int j = 0; j < activeCount; j++) {
            int predicted = 0;
            for (int k = 1; k < train.length; k++) {
                if (train[k][j] > train[predicted][j]) {
                    predicted = k;
                }
            }
            correct += eval[predicted][j];
            for (long[] row : eval) {
                total += row[j];
            }
        }
        return (double) correct / total;
    }

    /** {@code votes[k][j]}: how often fixing factor {@code k} left active latent {@code j} the stillest. */
    private long[][] votes(FactorSample sample, Groups groups, double[] variance, int[] activeDims, int count,
            SplittableRandom random) {
        long[][] votes = new long[sample.factorCount()][activeDims.length];
        double[] values = new double[settings.batchSize()];
        for (int v = 0; v < count; v++) {
            int k = random.nextInt(sample.factorCount());
            int[] members = groups.drawGroup(k, random);
            int size = Math.min(settings.batchSize(), members.length);
            // a partial Fisher-Yates shuffle of the group puts a uniform batch in its first slots
            for (int i = 0; i < size; i++) {
                int j = i + random.nextInt(members.length - i);
                int t = members[i];
                members[i] = members[j];
                members[j] = t;
            }
            int stillest = 0;
            double least = Double.POSITIVE_INFINITY;
            for (int j = 0; j < activeDims.length; j++) {
                double[] latent = sample.latent(activeDims[j]);
                for (int i = 0; i < size; i++) {
                    values[i] = latent[members[i]];
                }
                double normalised = Statistics.variance(values, size) / variance[activeDims[j]];
                if (normalised < least) {
                    least = normalised;
                    stillest = j;
                }
            }
            votes[k][stillest]++;
        }
        return votes;
    }

    /** The points of each value of each factor, and the points that may anchor a batch. */
    private static final class Groups {
        private final int[][][] members;
        private final int[][] anchors;
        private final FactorSample sample;

        Groups(FactorSample sample) {
            this.sample = sample;
            int factors = sample.factorCount();
            members = new int[factors][][];
            anchors = new int[factors][];
            for (int k = 0; k < factors; k++) {
                int[] y = sample.factor(k);
                int[] sizes = new int[sample.classes(k)];
                for (int c : y) {
                    sizes[c]++;
                }
                members[k] = new int[sizes.length][];
                for (int c = 0; c < sizes.length; c++) {
                    members[k][c] = new int[sizes[c]];
                }
                int[] filled = new int[sizes.length];
                int anchorCount = 0;
                for (int i = 0; i < y.length; i++) {
                    members[k][y[i]][filled[y[i]]++] = i;
                    if (sizes[y[i]] >= 2) {
                        anchorCount++;
                    }
                }
                if (anchorCount == 0) {
                    throw new VaelabException("FactorVAE score: no value of factor '" + sample.name(k)
                            + "' occurs twice among the " + y.length + " sample points; use a larger sample");
                }
                anchors[k] = new int[anchorCount];
                int a = 0;
                for (int i = 0; i < y.length; i++) {
                    if (sizes[y[i]] >= 2) {
                        anchors[k][a++] = i;
                    }
                }
            }
        }

        /** The members of the value of factor {@code k} at a uniformly drawn anchor point. */
        int[] drawGroup(int k, SplittableRandom random) {
            int anchor = anchors[k][random.nextInt(anchors[k].length)];
            return members[k][sample.factor(k)[anchor]];
        }
    }
}
