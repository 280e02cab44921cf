package dev.vaelab.core.config;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Helps error messages point at the intended word: lists accepted values in a stable order and
 * suggests the closest one to a misspelling.
 */
public final class Suggestions {
    /** The largest edit distance still worth suggesting; beyond it suggestions become noise. */
    private static final int MAX_DISTANCE = 2;

    private Suggestions() {}

    /** The accepted values sorted and comma-separated, or {@code (none)}. */
    public static String list(Collection<String> values) {
        return values.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(values));
    }

    /**
     * The candidate closest to {@code given} by Levenshtein distance, if that distance is at most 2
     * and smaller than {@code given}'s length (so two-letter words do not match everything). Ties go
     * to the alphabetically first candidate.
     */
    public static Optional<String> closest(String given, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(candidates)) {
            int d = levenshtein(given, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        boolean close = bestDistance <= MAX_DISTANCE && bestDistance < given.length();
        return close ? Optional.of(best) : Optional.empty();
    }

    /** {@code " (did you mean 'x'?)"} when a close candidate exists, else the empty string. */
    public static String didYouMean(String given, Collection<String> candidates) {
        return closest(given, candidates).map(c -> " (did you mean '" + c + "'?)").orElse("");
    }

    /** The number of single-character insertions, deletions and substitutions between a and b. */
    static int levenshtein(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
