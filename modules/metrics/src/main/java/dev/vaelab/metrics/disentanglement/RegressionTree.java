package dev.vaelab.metrics.disentanglement;

import java.util.Arrays;

/**
 * A least-squares regression tree of bounded depth, grown as scikit-learn's
 * {@code DecisionTreeRegressor} grows the trees of its gradient boosting (best split of every
 * feature, thresholds halfway between consecutive distinct values, a node splits while it has two
 * points and non-zero impurity). Ties between equally good splits go to the lowest feature index and
 * then the lowest threshold, so growing is deterministic without a seed.
 *
 * <p>It also records each feature's impurity importance: the sum over the nodes split on it of the
 * decrease in squared error, divided by the number of training points (scikit-learn's
 * {@code compute_feature_importances(normalize=False)}).
 */
final class RegressionTree {
    /** Values closer than this count as equal, as scikit-learn's {@code FEATURE_THRESHOLD}. */
    private static final double FEATURE_THRESHOLD = 1e-7;

    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final double[] importances;
    private final int nodes;
    private double[] leafValue;

    private RegressionTree(int capacity, int features) {
        feature = new int[capacity];
        threshold = new double[capacity];
        left = new int[capacity];
        right = new int[capacity];
        importances = new double[features];
        Arrays.fill(feature, -1);
        nodes = capacity;
    }

    /**
     * Fits {@code target} on all points of {@code x}.
     *
     * @param maxDepth the deepest level of splits (a depth-3 tree has at most 8 leaves)
     * @param leafOf receives the leaf (node index, below {@link #nodeCapacity()}) of each training
     *     point; the caller's buffer, so that the thousands of trees of an ensemble keep no per-point state
     */
    static RegressionTree fit(SortedFeatures x, double[] target, int maxDepth, int[] leafOf) {
        int n = x.points();
        int capacity = (1 << (maxDepth + 1)) - 1;
        RegressionTree tree = new RegressionTree(capacity, x.features());
        int[] nodeOf = leafOf; // node 0 is the root; children of node i are 2i+1 and 2i+2
        Arrays.fill(nodeOf, 0, n, 0);
        double[] count = new double[capacity];
        double[] sum = new double[capacity];
        double[] sumSquares = new double[capacity];
        for (int i = 0; i < n; i++) {
            count[0]++;
            sum[0] += target[i];
            sumSquares[0] += target[i] * target[i];
        }
        double[] leftCount = new double[capacity];
        double[] leftSum = new double[capacity];
        double[] lastValue = new double[capacity];
        double[] bestGain = new double[capacity];
        int[] bestFeature = new int[capacity];
        double[] bestThreshold = new double[capacity];
        for (int depth = 0; depth < maxDepth; depth++) {
            int first = (1 << depth) - 1;
            int last = (1 << (depth + 1)) - 1;
            boolean any = false;
            for (int node = first; node < last; node++) {
                bestGain[node] = 0;
                bestFeature[node] = -1;
                boolean splittable = count[node] >= 2 && sse(count[node], sum[node], sumSquares[node]) > 1e-15 * Math.max(1, count[node]);
                // +inf marks a node that cannot split; the others restart from NaN for each feature
                lastValue[node] = splittable ? Double.NaN : Double.POSITIVE_INFINITY;
                any |= splittable;
            }
            if (!any) {
                break;
            }
            for (int f = 0; f < x.features(); f++) {
                Arrays.fill(leftCount, first, last, 0);
                Arrays.fill(leftSum, first, last, 0);
                for (int node = first; node < last; node++) {
                    if (lastValue[node] != Double.POSITIVE_INFINITY) {
                        lastValue[node] = Double.NaN;
                    }
                }
                int[] order = x.order(f);
                double[] values = x.sortedValues(f);
                for (int p = 0; p < n; p++) {
                    int i = order[p];
                    int node = nodeOf[i];
                    if (node < first || lastValue[node] == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    double v = values[p];
                    double nl = leftCount[node];
                    if (nl > 0 && v > lastValue[node] + FEATURE_THRESHOLD) {
                        double nr = count[node] - nl;
                        // the decrease in squared error, nl nr / n (meanLeft - meanRight)^2, with one division
                        double cross = leftSum[node] * nr - (sum[node] - leftSum[node]) * nl;
                        double gain = cross * cross / (nl * nr * count[node]);
                        if (gain > bestGain[node]) {
                            bestGain[node] = gain;
                            bestFeature[node] = f;
                            double mid = lastValue[node] / 2 + v / 2;
                            bestThreshold[node] = mid >= v ? lastValue[node] : mid;
                        }
                    }
                    leftCount[node] = nl + 1;
                    leftSum[node] += target[i];
                    lastValue[node] = v;
                }
            }
            boolean split = false;
            for (int node = first; node < last; node++) {
                if (bestFeature[node] >= 0) {
                    tree.feature[node] = bestFeature[node];
                    tree.threshold[node] = bestThreshold[node];
                    tree.left[node] = 2 * node + 1;
                    tree.right[node] = 2 * node + 2;
                    tree.importances[bestFeature[node]] += bestGain[node] / n;
                    split = true;
                }
            }
            if (!split) {
                break;
            }
            for (int i = 0; i < n; i++) {
                int node = nodeOf[i];
                if (node >= first && tree.feature[node] >= 0) {
                    int child = x.value(tree.feature[node], i) <= tree.threshold[node] ? tree.left[node] : tree.right[node];
                    nodeOf[i] = child;
                    count[child]++;
                    sum[child] += target[i];
                    sumSquares[child] += target[i] * target[i];
                }
            }
        }
        return tree;
    }

    private static double sse(double count, double sum, double sumSquares) {
        return sumSquares - sum * sum / count;
    }

    /** Whether the tree split at all (scikit-learn leaves single-node trees out of the importances). */
    boolean hasSplits() {
        return feature[0] >= 0;
    }

    /** Each feature's decrease in squared error over the training points' count. */
    double[] importances() {
        return importances;
    }

    /** Node capacity: leaf indices are below it. */
    int nodeCapacity() {
        return nodes;
    }

    /** Sets the output of each leaf, indexed by node. */
    void setLeafValues(double[] values) {
        leafValue = values.clone();
    }

    /** The output for point {@code point} of {@code columns}, {@code [D][M]} features by column. */
    double predict(double[][] columns, int point) {
        int node = 0;
        while (feature[node] >= 0) {
            node = columns[feature[node]][point] <= threshold[node] ? left[node] : right[node];
        }
        return leafValue[node];
    }
}
