package io.streamlearn.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamlearn.app.ServedDemo;
import io.streamlearn.app.TutorialDemo;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
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
    /** What the page shows, read in the page: points drawn per canvas, texts, and ink on the canvases. */
    private static final String PROBE = """
            (() => {
              const pts = id => { const c = document.getElementById(id); return c && c.dataset.points ? Number(c.dataset.points) : -1; };
              const ink = id => {
                const c = document.getElementById(id);
                if (!c) { return 0; }
                const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } }
                return n;
              };
              const version = document.querySelector("#model-default .stats .version");
              return {
                accuracy: pts("accuracy-default"), loss: pts("loss-default"), throughput: pts("throughput-default"),
                version: pts("version-default"), boundary: pts("boundary-default"),
                versionText: version ? version.textContent : null,
                status: document.getElementById("status") ? document.getElementById("status").textContent : null,
                boundaryShown: document.getElementById("boundary-default") !== null
                    && document.getElementById("boundary-default").parentElement.style.display !== "none",
                accuracyInk: ink("accuracy-default"), boundaryInk: ink("boundary-default")
              };
            })()""";

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
                if (seen.path("accuracy").asInt() >= 5 && seen.path("loss").asInt() >= 5 && seen.path("throughput").asInt() >= 5
                        && seen.path("version").asInt() >= 5 && seen.path("boundary").asInt() >= 100
                        && seen.path("versionText").asText("").matches("\\d+") && Long.parseLong(seen.path("versionText").asText()) >= 4) {
                    break;
                }
                Thread.sleep(250);
            }
            Files.write(target.resolve("dashboard.png"), page.screenshot());
            String context = "page state " + seen + "\nexceptions " + page.exceptions() + "\nconsole " + page.consoleErrors()
                    + "\nfailed requests " + page.failedRequests() + "\nchromium log:\n" + chromium.log();

            assertTrue(seen.path("accuracy").asInt() >= 5, "accuracy chart has data: " + context);
            assertTrue(seen.path("loss").asInt() >= 5, "loss chart has data: " + context);
            assertTrue(seen.path("throughput").asInt() >= 5, "throughput chart has data: " + context);
            assertTrue(seen.path("version").asInt() >= 5, "version chart has data: " + context);
            assertTrue(seen.path("boundaryShown").asBoolean(), "the two-feature model gets a boundary picture: " + context);
            assertTrue(seen.path("boundary").asInt() >= 100, "scored points on the boundary picture: " + context);
            assertTrue(seen.path("accuracyInk").asInt() > 500, "the accuracy chart has pixels drawn: " + context);
            assertTrue(seen.path("boundaryInk").asInt() > 0.9 * 360 * 360, "the regions fill the boundary picture: " + context);
            long shown = Long.parseLong(seen.path("versionText").asText("-1"));
            assertTrue(shown >= 4, "the tutorial publishes 3 versions, the feed more, live; shown " + shown + ": " + context);
            assertTrue(seen.path("status").asText().contains("events scored"), context);

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
