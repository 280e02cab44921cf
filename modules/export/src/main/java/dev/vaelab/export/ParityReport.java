package dev.vaelab.export;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The comparisons of one parity check: every output of both files, for every input set, with ONNX
 * Runtime's graph optimizations off and on.
 *
 * @param comparisons one per (file, output, input set, optimization level)
 */
public record ParityReport(List<Comparison> comparisons) {
    public ParityReport {
        comparisons = List.copyOf(comparisons);
    }

    /**
     * One output compared with its reference.
     *
     * @param role the file
     * @param output the output's name
     * @param inputs the input set's name
     * @param optimized whether ORT's graph optimizations were on for the exported file
     * @param relativeError {@code max |exported - reference| / max |reference|} over the output's values
     * @param maxAbsReference {@code max |reference|}, the scale the error is relative to
     */
    public record Comparison(Role role, String output, String inputs, boolean optimized, double relativeError,
                             double maxAbsReference) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %s on %s inputs (optimizations %s): relative error %.3g (scale %.3g)",
                    role.wireName(), output, inputs, optimized ? "on" : "off", relativeError, maxAbsReference);
        }
    }

    /** The largest relative error of all comparisons. */
    public double maxRelativeError() {
        return comparisons.stream().mapToDouble(Comparison::relativeError).max().orElse(0);
    }

    /** The comparison with the largest error. */
    public Comparison worst() {
        return comparisons.stream().max(Comparator.comparingDouble(Comparison::relativeError)).orElseThrow();
    }

    /** The comparisons above {@code tolerance}, one per line; empty when all are within it. */
    public String failures(double tolerance) {
        return comparisons.stream().filter(c -> !(c.relativeError() <= tolerance)).map(Comparison::toString)
                .collect(Collectors.joining("\n"));
    }
}
