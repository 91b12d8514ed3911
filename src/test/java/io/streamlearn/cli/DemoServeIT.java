package io.streamlearn.cli;

import io.streamlearn.testing.ChildJvm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code streamlearn demo --serve} as a user runs it: a child JVM with its own embedded broker.
 * Once it prints the dashboard's address the page, the history and the health are asked; the
 * feed must keep the model moving; then SIGTERM (what Ctrl-C sends is SIGINT, handled alike by
 * the JVM's shutdown hooks) must stop it cleanly.
 */
class DemoServeIT {
    private static final Pattern SERVING = Pattern.compile("Serving: the dashboard is at (http://\\S+/) ");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void servesTheDashboardFedByAGeneratorUntilStopped() throws Exception {
        List<String> command = new java.util.ArrayList<>(ChildJvm.java("-Xmx512m", "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(Main.class.getName(), "demo", "--serve", "--http-port", "0", "--rate", "10", "--feed", "blobs"));
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuffer all = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.append(line).append('\n');
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the child is gone
            }
        }, "demo-serve-output");
        reader.setDaemon(true);
        reader.start();
        try {
            URI url = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (url == null && System.nanoTime() < deadline && child.isAlive()) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                Matcher m = line == null ? null : SERVING.matcher(line);
                if (m != null && m.find()) {
                    url = URI.create(m.group(1));
                }
            }
            assertTrue(url != null, "the demo prints where it serves:\n" + all);
            assertTrue(all.toString().contains("Test accuracy (read from 'scored-events'): 1.000"), all.toString());

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("dashboard.js"), page.body());
            assertEquals(200, client.send(HttpRequest.newBuilder(url.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());

            JsonNode first = get(client, url, "/models/default");
            JsonNode firstHistory = get(client, url, "/api/history");
            JsonNode later = first;
            JsonNode laterHistory = firstHistory;
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // At 10 examples a second the fourth version (after 200 updates, every 50) takes about 5 s.
            while (System.nanoTime() < until && (trained(later) < trained(first) + 20 || later.path("version").asLong() <= 3
                    || laterHistory.path("scored").asLong() <= firstHistory.path("scored").asLong())) {
                Thread.sleep(500);
                later = get(client, url, "/models/default");
                laterHistory = get(client, url, "/api/history");
            }
            assertTrue(trained(first) >= 150, "the tutorial's examples: " + first);
            assertTrue(trained(later) >= trained(first) + 20, "the feed keeps training the model: " + first + " then " + later);
            assertTrue(laterHistory.path("scored").asLong() > firstHistory.path("scored").asLong(),
                    "and keeps events coming: " + laterHistory);
            JsonNode model = laterHistory.path("models").path("default");
            assertTrue(model.path("samples").size() >= 1, laterHistory.toString());
            assertTrue(model.path("points").size() >= 50, "scored points for the picture: " + laterHistory);
            assertTrue(later.path("version").asLong() > 3, "new versions after the tutorial's 3: " + later);

            // SIGTERM, through the handle: Process.destroy() would also close our end of its output.
            assertTrue(child.toHandle().destroy(), "SIGTERM sent");
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the demo stops on SIGTERM:\n" + all);
            reader.join(5000);
            assertTrue(all.toString().contains("Stopping..."), "exit " + child.exitValue() + "\n" + all);
            assertTrue(all.toString().contains("Stopped."), "it closed everything before exiting:\n" + all);
            assertTrue(List.of(0, 143).contains(child.exitValue()), "exit " + child.exitValue());
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static JsonNode get(HttpClient client, URI url, String path) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(url.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** Examples trained by this process so far. */
    private static long trained(JsonNode model) {
        return model.path("live").path("examplesTrained").asLong();
    }
}
