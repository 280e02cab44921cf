package dev.vaelab.tracking;

import dev.vaelab.core.error.VaelabException;
import java.util.regex.Pattern;

/**
 * The metric names of ARCHITECTURE.md ("Metrics") and the rule every key must pass. Keys are checked
 * against what MLflow accepts (alphanumerics, underscores, dashes, periods, spaces and slashes; at
 * most 250 characters; no empty, {@code .} or {@code ..} path segment and no leading or trailing
 * slash), so a run that logs locally can always be replayed to an MLflow server, and so a key can
 * never break a row of {@code metrics.csv}.
 */
public final class MetricKeys {
    /** MLflow's limit on the length of a metric key. */
    public static final int MAX_LENGTH = 250;

    public static final String TRAIN_LOSS = "train/loss";
    public static final String TRAIN_ELBO = "train/elbo";
    public static final String TRAIN_RECON_LL = "train/recon_ll";
    public static final String TRAIN_KL = "train/kl";
    public static final String TRAIN_BETA = "train/beta";
    public static final String TRAIN_CAPACITY = "train/capacity";
    public static final String TRAIN_LR = "train/lr";
    public static final String TRAIN_EXAMPLES_PER_SEC = "train/examples_per_sec";
    public static final String VAL_ELBO = "val/elbo";
    public static final String VAL_RECON_LL = "val/recon_ll";
    public static final String VAL_KL = "val/kl";
    public static final String VAL_ACTIVE_UNITS = "val/active_units";
    public static final String EPOCH = "epoch";
    public static final String TEST_ELBO = "test/elbo";
    public static final String TEST_NLL_IW = "test/nll_iw";
    public static final String TEST_BITS_PER_DIM = "test/bits_per_dim";
    public static final String PROBE_ACCURACY = "probe/accuracy";

    // ASCII only: MLflow's \w also admits other Unicode letters, but keys travel into CSV files,
    // file-backed MLflow stores and URLs, where plain ASCII is the safe common ground.
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_\\-. /]+");

    private MetricKeys() {}

    /**
     * The per-dimension KL key {@code val/kl_dim/NN}, zero-padded to two digits, or more when the
     * latent space has 100 or more dimensions, so that keys sort in dimension order.
     */
    public static String klDim(int dim, int latentDim) {
        if (latentDim < 1 || dim < 0 || dim >= latentDim) {
            throw new IllegalArgumentException("dimension " + dim + " is outside a latent space of " + latentDim);
        }
        int width = Math.max(2, Integer.toString(latentDim - 1).length());
        return String.format("val/kl_dim/%0" + width + "d", dim);
    }

    /** Returns {@code key} when MLflow would accept it; otherwise throws saying what is wrong. */
    public static String requireValid(String key) {
        String problem = problem(key);
        if (problem != null) {
            throw new VaelabException("invalid metric key '" + key + "': " + problem
                    + " (keys look like 'train/loss' or 'val/kl_dim/03')");
        }
        return key;
    }

    /** Whether MLflow would accept {@code key}. */
    public static boolean isValid(String key) {
        return problem(key) == null;
    }

    private static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "a key must not be empty";
        }
        if (key.length() > MAX_LENGTH) {
            return "a key has at most " + MAX_LENGTH + " characters, this one has " + key.length();
        }
        if (!ALLOWED.matcher(key).matches()) {
            return "keys may only contain letters, digits, underscores (_), dashes (-), periods (.), "
                    + "spaces and slashes (/)";
        }
        // MLflow refuses names that a file store would resolve to another name (posixpath.normpath).
        if (key.startsWith("/") || key.endsWith("/")) {
            return "a key must not start or end with a slash";
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "a key must not contain an empty, '.' or '..' segment between slashes";
            }
        }
        return null;
    }
}
