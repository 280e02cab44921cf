package dev.vaelab.tracking.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a run's record becomes its MLflow name and tags. */
class RunTagsTest {
    private static RunRecord record(Map<String, String> tags) {
        RunRecord r = RunRecord.start("exp", "exp-0123abcd", MlflowTesting.START, MlflowTesting.ENV);
        for (Map.Entry<String, String> t : tags.entrySet()) {
            r = r.withExtra(RunTags.EXTRA_PREFIX + t.getKey(), t.getValue());
        }
        return r;
    }

    @Test
    void aSweepRunIsNamedByItsSweptValuesCutToMlflowsLimitAndKeepsItsFolderNameAsATag() {
        Map<String, String> tags = RunTags.of(record(Map.of(RunTags.SWEPT, "beta.end=4 seed=1")));
        assertEquals("beta.end=4 seed=1", tags.get(RunTags.RUN_NAME));
        assertEquals("exp-0123abcd", tags.get(RunTags.RUN_NAME_VAELAB));
        String longLabel = "model.encoder.hidden=[" + "512, ".repeat(60) + "512]";
        String cut = RunTags.of(record(Map.of(RunTags.SWEPT, longLabel))).get(RunTags.RUN_NAME);
        assertEquals(250, cut.length());
        assertEquals(longLabel.substring(0, 247) + "...", cut);
        assertEquals("exp-0123abcd", RunTags.of(record(Map.of())).get(RunTags.RUN_NAME), "a single run: its folder");
    }

    @Test
    void sweptKeysAreTheWordsBeforeEachEqualsSignEvenWhenValuesHoldSpaces() {
        assertEquals(List.of("beta.end", "model.encoder.hidden", "seed"),
                RunTags.sweptKeys("beta.end=4 model.encoder.hidden=[32, 16] seed=1"));
        assertEquals(List.of(), RunTags.sweptKeys(""));
    }

    @Test
    void aFailedOrKilledRunSaysWhyInItsDescriptionAndATagInOneLine() {
        RunRecord failed = record(Map.of()).withStatus(RunStatus.FAILED, "training diverged: the loss became NaN\n"
                + "  at step 7", MlflowTesting.START.plusSeconds(5));
        Map<String, String> tags = RunTags.of(failed);
        assertEquals("training diverged: the loss became NaN at step 7", tags.get(RunTags.ERROR));
        assertEquals("failed: training diverged: the loss became NaN at step 7", tags.get(RunTags.NOTE));
        RunRecord killed = record(Map.of()).withStatus(RunStatus.KILLED, "interrupted", MlflowTesting.START.plusSeconds(5));
        assertEquals("killed: interrupted", RunTags.of(killed).get(RunTags.NOTE));
        RunRecord finished = record(Map.of()).withStatus(RunStatus.FINISHED, null, MlflowTesting.START.plusSeconds(5));
        assertFalse(RunTags.of(finished).containsKey(RunTags.NOTE));
        assertFalse(RunTags.of(finished).containsKey(RunTags.ERROR));
    }
}
