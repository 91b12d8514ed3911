package io.streamlearn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium (Debian's {@code chromium} package) driven over the Chrome DevTools Protocol
 * with the JDK's own HTTP client and WebSocket: no driver binary, no library. Each instance has a
 * fresh profile directory and is killed on {@link #close}.
 */
public final class Chromium implements AutoCloseable {
    /** Where Debian installs it; the system property {@code streamlearn.it.chromium} points elsewhere. */
    public static final Path BINARY = Path.of(System.getProperty("streamlearn.it.chromium", "/usr/bin/chromium"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Page> pages = new ArrayList<>();

    private Chromium(Process process, Path profile, Path log, int port) {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.port = port;
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts Chromium headless with remote debugging on a free port (it writes the port to
     * {@code DevToolsActivePort} in its profile) and the flags it needs in a container: no
     * sandbox, no GPU, no QUIC, and nothing that calls home.
     */
    public static Chromium launch(Path workDir, int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(Files.createDirectories(workDir), "chromium-profile-");
        Path log = workDir.resolve(profile.getFileName() + ".log");
        Process p = ChildJvm.withTmpdir(new ProcessBuilder(BINARY.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "about:blank"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (Files.exists(portFile)) {
                List<String> lines = Files.readAllLines(portFile);
                if (!lines.isEmpty() && lines.get(0).matches("\\d+")) {
                    return new Chromium(p, profile, log, Integer.parseInt(lines.get(0)));
                }
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("chromium exited with " + p.exitValue() + ":\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("chromium did not open its debugging port within "
                        + START_TIMEOUT.toSeconds() + " s:\n" + tail(log));
            }
            Thread.sleep(100);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The browser's output so far (for failure messages). */
    public String log() {
        return tail(log);
    }

    /** Attaches to the page Chromium opened ({@code about:blank}) and enables what tests watch. */
    public Page page() throws Exception {
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode target : JSON.readTree(list.body())) {
            if (target.path("type").asText().equals("page")) {
                Page page = new Page(http, URI.create(target.path("webSocketDebuggerUrl").asText()));
                pages.add(page);
                page.send("Runtime.enable", Map.of());
                page.send("Log.enable", Map.of());
                page.send("Network.enable", Map.of());
                page.send("Page.enable", Map.of());
                return page;
            }
        }
        throw new IllegalStateException("chromium has no page target: " + list.body());
    }

    @Override
    public void close() throws InterruptedException {
        for (Page p : pages) {
            p.close();
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try (var paths = Files.walk(profile)) {
            paths.sorted(Collections.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a profile left in target/ is harmless
        }
    }

    /** One tab, over its DevTools WebSocket: commands, and the events tests care about. */
    public static final class Page implements WebSocket.Listener {
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private final List<String> exceptions = Collections.synchronizedList(new ArrayList<>());
        private final List<String> consoleErrors = Collections.synchronizedList(new ArrayList<>());
        private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
        private final List<String> failedRequests = Collections.synchronizedList(new ArrayList<>());

        private Page(HttpClient http, URI ws) {
            this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(ws, this).join();
        }

        /** Sends a command and waits for its result; a protocol error is an exception. */
        public JsonNode send(String method, Map<String, ?> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            ObjectNode msg = JSON.createObjectNode();
            msg.put("id", id);
            msg.put("method", method);
            msg.set("params", JSON.valueToTree(params));
            synchronized (socket) {
                socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
            }
            JsonNode r = answer.get(30, TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new IllegalStateException(method + " failed: " + r.get("error"));
            }
            return r.path("result");
        }

        /** Navigates and waits for the load event's command answer (the page's own polling goes on). */
        public void navigate(URI url) throws Exception {
            JsonNode r = send("Page.navigate", Map.of("url", url.toString()));
            if (r.hasNonNull("errorText")) {
                throw new IllegalStateException("navigation to " + url + " failed: " + r.get("errorText").asText());
            }
        }

        /** Evaluates a JavaScript expression (awaiting a promise) and returns its JSON value. */
        public JsonNode evaluate(String expression) throws Exception {
            JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
            if (r.has("exceptionDetails")) {
                throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
            }
            return r.path("result").path("value");
        }

        /** A PNG of the viewport. */
        public byte[] screenshot() throws Exception {
            JsonNode r = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", false));
            return Base64.getDecoder().decode(r.path("data").asText());
        }

        /** Uncaught exceptions thrown in the page. */
        public List<String> exceptions() {
            return List.copyOf(exceptions);
        }

        /** console.error calls and browser log entries of level error. */
        public List<String> consoleErrors() {
            return List.copyOf(consoleErrors);
        }

        /** The URL of every request the page made. */
        public List<String> requests() {
            return List.copyOf(requests);
        }

        /** Requests that failed or were answered with a 4xx/5xx status. */
        public List<String> failedRequests() {
            return List.copyOf(failedRequests);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    dispatch(JSON.readTree(text));
                } catch (IOException e) {
                    exceptions.add("unreadable DevTools message: " + e);
                }
            }
            ws.request(1);
            return null;
        }

        private void dispatch(JsonNode msg) {
            if (msg.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
                if (f != null) {
                    f.complete(msg);
                }
                return;
            }
            JsonNode p = msg.path("params");
            switch (msg.path("method").asText()) {
                case "Runtime.exceptionThrown" -> exceptions.add(p.path("exceptionDetails").toString());
                case "Runtime.consoleAPICalled" -> {
                    if (p.path("type").asText().equals("error")) {
                        consoleErrors.add(p.path("args").toString());
                    }
                }
                case "Log.entryAdded" -> {
                    if (p.path("entry").path("level").asText().equals("error")) {
                        consoleErrors.add(p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
                    }
                }
                case "Network.requestWillBeSent" -> requests.add(p.path("request").path("url").asText());
                case "Network.responseReceived" -> {
                    int status = p.path("response").path("status").asInt();
                    if (status >= 400) {
                        failedRequests.add(status + " " + p.path("response").path("url").asText());
                    }
                }
                case "Network.loadingFailed" -> failedRequests.add(p.path("errorText").asText() + " " + p.path("requestId").asText());
                default -> {
                }
            }
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }

        void close() {
            socket.abort();
        }
    }
}
