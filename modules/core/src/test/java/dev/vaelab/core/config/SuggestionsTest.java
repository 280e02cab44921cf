package dev.vaelab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    @Test
    void levenshtein() {
        assertEquals(0, Suggestions.levenshtein("abc", "abc"));
        assertEquals(1, Suggestions.levenshtein("latnt_dim", "latent_dim"));
        assertEquals(1, Suggestions.levenshtein("bernouli", "bernoulli"));
        assertEquals(3, Suggestions.levenshtein("kitten", "sitting"));
        assertEquals(4, Suggestions.levenshtein("", "abcd"));
    }

    @Test
    void suggestsOnlyCloseCandidates() {
        List<String> keys = List.of("type", "latent_dim", "encoder", "decoder");
        assertEquals(Optional.of("latent_dim"), Suggestions.closest("latnt_dim", keys));
        assertEquals(Optional.of("decoder"), Suggestions.closest("decodr", keys));
        assertEquals(Optional.empty(), Suggestions.closest("optimizer", keys));
        assertEquals(Optional.empty(), Suggestions.closest("ab", List.of("xy")));
        assertEquals(" (did you mean 'type'?)", Suggestions.didYouMean("typ", keys));
        assertEquals("", Suggestions.didYouMean("zzzzzz", keys));
    }

    @Test
    void listIsSorted() {
        assertEquals("a, b, c", Suggestions.list(List.of("c", "a", "b")));
        assertEquals("(none)", Suggestions.list(List.of()));
    }
}
