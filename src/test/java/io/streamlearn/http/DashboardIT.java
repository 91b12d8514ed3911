package io.streamlearn.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.ServedDemo;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.testing.Chromium;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser: the served demo (tutorial, then a generator feeding it) on a
 * real broker, opened in headless Chromium over the DevTools protocol. The charts must have drawn
 * data points, the version must be shown, and the page must have loaded nothing from anywhere
 * but the application. Leaves a screenshot in {@code target/dashboard.png}.
 */
@WithKafka
class DashboardIT {
    /** Line charts on the page, by canvas id prefix (the model's id follows). */
    private static final List<String> LINE_CHARTS = List.of("accuracy", "loss", "throughput", "version");

    /**
     * What the page shows, read from the page itself: for each line chart the pixels inside its
     * plot area drawn in each series colour (the frame, labels and legend are outside the plot
     * area or in other colours, so an empty chart counts none), texts, a fingerprint of the
     * boundary picture, and the ink on it. The plot-area margins are dashboard.js's lineChart's.
     */
    private static final String PROBE = """
            (() => {
              const pts = id => { const c = document.getElementById(id); return c && c.dataset.points ? Number(c.dataset.points) : -1; };
              const rgb = hex => [1, 3, 5].map(i => parseInt(hex.substr(i, 2), 16));
              const seriesInk = id => {
                const c = document.getElementById(id);
                if (!c || typeof COLORS === "undefined") { return []; }
                const left = 42, right = 8, top = 8, bottom = 34;
                const w = c.width - left - right + 1, h = c.height - top - bottom + 1;
                const d = c.getContext("2d").getImageData(left, top, w, h).data;
                return COLORS.slice(0, 2).map(hex => {
                  const [r, g, b] = rgb(hex);
                  let n = 0;
                  for (let i = 0; i < d.length; i += 4) {
                    if (d[i + 3] >= 128 && Math.abs(d[i] - r) <= 40 && Math.abs(d[i + 1] - g) <= 40 && Math.abs(d[i + 2] - b) <= 40) { n++; }
                  }
                  return n;
                });
              };
              const pixels = id => {
                const c = document.getElementById(id);
                return c ? c.getContext("2d").getImageData(0, 0, c.width, c.height).data : new Uint8ClampedArray(0);
              };
              const ink = id => { const d = pixels(id); let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } } return n; };
              const fingerprint = id => { const d = pixels(id); let h = 0; for (let i = 0; i < d.length; i++) { h = (h * 31 + d[i]) | 0; } return h; };
              const version = document.querySelector("#model-default .stats .version");
              return {
                accuracy: seriesInk("accuracy-default"), loss: seriesInk("loss-default"),
                throughput: seriesInk("throughput-default"), version: seriesInk("version-default"),
                boundary: pts("boundary-default"), boundaryPicture: fingerprint("boundary-default"),
                versionText: version ? version.textContent : null,
                status: document.getElementById("status") ? document.getElementById("status").textContent : null,
                boundaryShown: document.getElementById("boundary-default") !== null
                    && document.getElementById("boundary-default").parentElement.style.display !== "none",
                boundaryInk: ink("boundary-default"),
                sameDocument: window.streamlearnProbe === true
              };
            })()""";

    /**
     * Pixels a line chart must have in its series colours inside its plot area. An empty chart has
     * none (its frame and labels are other colours, outside it); a drawn line has from about a
     * hundred (a short flat stretch, early on) to several hundred, so the bar sits well below that.
     */
    private static final int LINE_INK = 40;

    private static int seriesInk(JsonNode seen, String chart) {
        int n = 0;
        for (JsonNode count : seen.path(chart)) {
            n += count.asInt();
        }
        return n;
    }

    private static boolean linesDrawn(JsonNode seen) {
        return LINE_CHARTS.stream().allMatch(c -> seriesInk(seen, c) >= LINE_INK);
    }

    private static long versionShown(JsonNode seen) {
        String text = seen.path("versionText").asText("");
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }


    @Test
    void theChartsRenderWithData(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String why = "Chromium is not installed at " + Chromium.BINARY
                + ": the dashboard's browser test is skipped (apt-get install chromium; .ci/run does)";
        if (!Chromium.available()) {
            org.slf4j.LoggerFactory.getLogger(DashboardIT.class).warn(why);
        }
        Assumptions.assumeTrue(Chromium.available(), why);
        String run = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = TutorialDemo.configure(ConfigLoader.load(null, Map.of(
                "applicationId", run,
                "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-",
                "stateDir", Files.createDirectories(dir.resolve("state")).toString())));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path target = Path.of("target");
        try (ServedDemo demo = ServedDemo.start(config, new ServedDemo.Options("127.0.0.1", 0, "hyperplane", 20, 3),
                new PrintStream(out, true), Duration.ofSeconds(60));
             Chromium chromium = Chromium.launch(target.resolve("chromium"), 1280, 1000)) {
            Chromium.Page page = chromium.page();
            page.navigate(demo.url());

            JsonNode seen = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                seen = page.evaluate(PROBE);
                if (linesDrawn(seen) && seen.path("boundary").asInt() >= 100 && versionShown(seen) >= 4) {
                    break;
                }
                Thread.sleep(250);
            }
            Files.write(target.resolve("dashboard.png"), page.screenshot());
            String context = "page state " + seen + "\nexceptions " + page.exceptions() + "\nconsole " + page.consoleErrors()
                    + "\nfailed requests " + page.failedRequests() + "\nchromium log:\n" + chromium.log();

            for (String chart : LINE_CHARTS) {
                assertTrue(seriesInk(seen, chart) >= LINE_INK, "the " + chart + " chart has lines drawn in its series colours"
                        + " inside its plot area (pixels per series " + seen.path(chart) + "): " + context);
            }
            assertTrue(seen.path("loss").get(1).asInt() > 0,
                    "the loss chart draws the window log loss as its second series: " + context);
            assertTrue(seen.path("boundaryShown").asBoolean(), "the two-feature model gets a boundary picture: " + context);
            assertTrue(seen.path("boundary").asInt() >= 100, "scored points on the boundary picture: " + context);
            assertTrue(seen.path("boundaryInk").asInt() > 0.9 * 360 * 360, "the regions fill the boundary picture: " + context);
            long shown = versionShown(seen);
            assertTrue(shown >= 4, "the tutorial publishes 3 versions, the feed more, live; shown " + shown + ": " + context);
            assertTrue(seen.path("status").asText().contains("events scored"), context);

            // Live: the feed goes on training and scoring; the page must follow without a reload
            // (a reload would drop the marker set in this document).
            page.evaluate("window.streamlearnProbe = true");
            JsonNode later = seen;
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                later = page.evaluate(PROBE);
                if (versionShown(later) > shown && later.path("boundaryPicture").asInt() != seen.path("boundaryPicture").asInt()) {
                    break;
                }
                Thread.sleep(250);
            }
            String liveContext = "first " + seen + "\nlater " + later + "\n" + context;
            assertTrue(later.path("sameDocument").asBoolean(), "the page was not reloaded: " + liveContext);
            assertTrue(versionShown(later) > shown, "the version shown moved on without a reload: " + liveContext);
            assertNotEquals(seen.path("boundaryPicture").asInt(), later.path("boundaryPicture").asInt(),
                    "the boundary picture was redrawn with newer points: " + liveContext);
            assertTrue(linesDrawn(later), liveContext);
            org.slf4j.LoggerFactory.getLogger(DashboardIT.class).info("dashboard seen: first {}, later {}", seen, later);

            assertEquals(List.of(), page.exceptions(), context);
            assertEquals(List.of(), page.consoleErrors(), context);
            assertEquals(List.of(), page.failedRequests(), context);
            String origin = demo.url().toString();
            for (String url : page.requests()) {
                assertTrue(url.startsWith(origin), "everything comes from the application itself, not " + url);
            }
            assertTrue(page.requests().contains(origin + "dashboard.js"), page.requests().toString());
        }
    }
}
