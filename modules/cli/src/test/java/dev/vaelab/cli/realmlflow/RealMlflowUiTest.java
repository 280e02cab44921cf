package dev.vaelab.cli.realmlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaelab.cli.realmlflow.MlflowRest.Run;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees: headless Chromium opens the run page of a CVAE run on the real MLflow server
 * (its model-metrics section) and the experiment's chart view, and the grid of an image card must
 * be drawn, with a non-zero size, in the first screen, not pushed out of its card by text. The
 * screenshots stay in {@code target/mlflow-ui/} to look at.
 */
@ExtendWith(RealMlflow.class)
class RealMlflowUiTest {
    static final Path SCREENSHOTS = Path.of("target", "mlflow-ui");
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 1000;
    /**
     * The first grid image drawn in the window and not cut off by its card: its center is the
     * element a click there would hit (a part clipped by the card's overflow, or covered, is not).
     */
    private static final String VISIBLE_GRID = "(() => { for (const img of document.querySelectorAll('img')) {"
            + " const src = decodeURIComponent(img.currentSrc || img.src || '');"
            + " if (!src.includes('grids~') || !img.complete || img.naturalWidth === 0) continue;"
            + " const r = img.getBoundingClientRect();"
            + " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
            + " if (r.width > 0 && r.height > 0 && y < window.innerHeight && x < window.innerWidth"
            + " && document.elementFromPoint(x, y) === img) return {src, width: r.width, height: r.height, top: r.top}; }"
            + " return null; })()";

    @TempDir
    Path dir;

    @BeforeAll
    static void browser() {
        Vaelab.assumeMnist();
        assumeTrue(HeadlessChromium.binary().isPresent(), "the MLflow UI test needs Chromium (apt-get install chromium, "
                + "as .ci/run does)");
    }

    @Test
    void theGridsOfARunAreVisibleOnItsPageAndInTheChartViewWithoutAClick() throws Exception {
        String name = "it-ui-" + Long.toString(System.currentTimeMillis(), 36);
        Vaelab.Outcome o = Vaelab.run(dir, Vaelab.experiment(name, "cvae", ""), "--results",
                dir.resolve("results").toString(), "--tracking-uri", RealMlflow.uri());
        assertEquals(0, o.code(), o.err());
        MlflowRest rest = new MlflowRest(RealMlflow.uri());
        Run run = RealMlflowTest.only(rest.runs(name));
        try (HeadlessChromium chromium = HeadlessChromium.start(HeadlessChromium.binary().orElseThrow(), WIDTH, HEIGHT)) {
            chromium.open(RealMlflow.uri() + "/");
            // the UI opens in its GenAI mode; a user switches to "Model training" once, kept in localStorage
            chromium.eval("localStorage.setItem('mlflow.workflowType_v1', JSON.stringify('machine_learning'))");
            String base = RealMlflow.uri() + "/#/experiments/" + run.experimentId();
            checkGridVisible(chromium, base + "/runs/" + run.id() + "/model-metrics", "run-page");
            checkGridVisible(chromium, base + "/runs?compareRunsMode=CHART", "chart-view");
        }
    }

    private static void checkGridVisible(HeadlessChromium chromium, String url, String view) throws Exception {
        chromium.open(url);
        boolean drawn = chromium.waitFor(VISIBLE_GRID, Duration.ofSeconds(60));
        Path shot = SCREENSHOTS.resolve(view + ".png");
        chromium.screenshot(shot);
        JsonNode grid = chromium.eval(VISIBLE_GRID);
        assertTrue(drawn && grid.path("width").asDouble() > 0 && grid.path("height").asDouble() > 0,
                view + ": no grid image drawn in the first " + WIDTH + "x" + HEIGHT + " screen of " + url
                        + " (screenshot: " + shot.toAbsolutePath() + ")");
    }
}
