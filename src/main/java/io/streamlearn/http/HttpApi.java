package io.streamlearn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamlearn.avro.EvaluationFigures;
import io.streamlearn.avro.LayerWeights;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.catalogue.CatalogueEditor;
import io.streamlearn.codec.CatalogueRecord;
import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.metrics.LearnerMetrics;
import io.streamlearn.model.Network;
import io.streamlearn.model.RecordCheck;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.PublishedFigures;
import io.streamlearn.snapshot.ModelRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API, on the JDK's HTTP server: health, models, prediction, Prometheus metrics and
 * the dashboard. Every instance answers from the newest weights it holds. Errors are JSON with
 * a 4xx status, never a stack trace.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_BODY = 1 << 20;
    /** Cells per side of the decision-region grid. */
    static final int GRID = 60;

    private final HttpServer server;
    private final ModelRegistry registry;
    /** The models of the catalogue, as this instance follows it: a 404 tells a typo from a model not trained yet. */
    private final ModelCatalog catalog;
    /** Writes the catalogue (POST, PATCH, DELETE on /models); null where this server cannot change it. */
    private final CatalogueEditor editor;
    private final Supplier<KafkaStreams.State> state;
    private final PrometheusMeterRegistry prometheus;
    private final LearnerMetrics metrics;
    private final DashboardHistory history;

    public HttpApi(String host, int port, ModelRegistry registry, ModelCatalog catalog, CatalogueEditor editor,
                   Supplier<KafkaStreams.State> state, PrometheusMeterRegistry prometheus, LearnerMetrics metrics,
                   DashboardHistory history) throws IOException {
        this.registry = registry;
        this.catalog = catalog;
        this.editor = editor;
        this.state = state;
        this.prometheus = prometheus;
        this.metrics = metrics;
        this.history = history;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "streamlearn-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::route);
        server.start();
        // debug only: the commands print the address on stdout, and `run` printed it twice with this at info
        LOG.debug("HTTP API and dashboard at http://{}:{}/", host, port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void route(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/") || path.equals("/index.html")) {
                requireGet(method);
                sendResource(ex, "/dashboard/index.html", "text/html; charset=utf-8");
            } else if (path.equals("/dashboard.js")) {
                requireGet(method);
                sendResource(ex, "/dashboard/dashboard.js", "text/javascript; charset=utf-8");
            } else if (path.equals("/health") || path.equals("/health/ready")) {
                requireGet(method);
                health(ex, false);
            } else if (path.equals("/health/live")) {
                requireGet(method);
                health(ex, true);
            } else if (path.equals("/metrics")) {
                requireGet(method);
                send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape().getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/models")) {
                if (method.equals("POST")) {
                    addModel(ex);
                } else {
                    requireGet(method);
                    models(ex);
                }
            } else if (path.equals("/api/history")) {
                requireGet(method);
                sendJson(ex, 200, history.toJson());
            } else if (path.startsWith("/models/")) {
                String rest = path.substring("/models/".length());
                if (rest.endsWith("/predict")) {
                    if (!method.equals("POST")) {
                        throw new ApiError(405, "use POST for " + path, "POST");
                    }
                    predict(ex, rest.substring(0, rest.length() - "/predict".length()));
                } else if (rest.endsWith("/grid")) {
                    requireGet(method);
                    grid(ex, rest.substring(0, rest.length() - "/grid".length()));
                } else if (!rest.isEmpty() && !rest.contains("/")) {
                    switch (method) {
                        case "PATCH" -> setModel(ex, rest);
                        case "DELETE" -> retireModel(ex, rest);
                        default -> {
                            if (!method.equals("GET") && !method.equals("HEAD")) {
                                throw new ApiError(405, "use GET, PATCH (change) or DELETE (retire) for " + path,
                                        "GET, HEAD, PATCH, DELETE");
                            }
                            model(ex, rest);
                        }
                    }
                } else {
                    throw new ApiError(404, "no such resource: " + path);
                }
            } else {
                throw new ApiError(404, "no such resource: " + path);
            }
        } catch (ApiError e) {
            if (e.allow != null) {
                ex.getResponseHeaders().set("Allow", e.allow);
            }
            sendError(ex, e.status, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("HTTP request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            sendError(ex, 500, "internal error");
        } finally {
            ex.close();
        }
    }

    private static void requireGet(String method) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new ApiError(405, "use GET", "GET, HEAD");
        }
    }

    /**
     * Readiness (the default): 200 only while Kafka Streams is RUNNING. Liveness: 200 unless it
     * has failed or stopped (rebalancing and restoring are alive). Either way 503 otherwise.
     */
    private void health(HttpExchange ex, boolean liveness) throws IOException {
        KafkaStreams.State s = state.get();
        boolean ready = s == KafkaStreams.State.RUNNING;
        boolean live = s.isRunningOrRebalancing() || s == KafkaStreams.State.CREATED;
        ObjectNode n = JSON.createObjectNode();
        n.put("live", live);
        n.put("ready", ready);
        n.put("state", s.name());
        n.put("models", registry.all().size());
        sendJson(ex, (liveness ? live : ready) ? 200 : 503, n);
    }

    private void models(HttpExchange ex) throws IOException {
        ArrayNode arr = JSON.createArrayNode();
        registry.all().stream().sorted((a, b) -> a.model().compareTo(b.model())).forEach(p -> arr.add(summary(p)));
        sendJson(ex, 200, arr);
    }

    private ObjectNode summary(DecodedSnapshot p) {
        WeightSnapshot s = p.snapshot();
        ObjectNode n = JSON.createObjectNode();
        // A retired model's weights stay readable; what it is now tells a reader not to expect new versions.
        n.put("catalogue", catalog.model(p.model()) != null ? "active" : catalog.retired(p.model()) != null ? "retired" : "unknown");
        n.put("model", p.model());
        n.put("version", p.version());
        n.put("source", s.getSource().name());
        n.put("examplesSeen", s.getExamplesSeen());
        n.put("updatesApplied", s.getUpdatesApplied());
        nullable(n, "accuracy", PublishedFigures.accuracy(s));
        nullable(n, "logLoss", PublishedFigures.logLoss(s));
        figures(n, s);
        n.put("createdAt", s.getCreatedAt());
        return n;
    }

    /** The snapshot's figures for the kind of model, null where not measured (absent in older snapshots). */
    private static void figures(ObjectNode n, WeightSnapshot s) {
        EvaluationFigures f = s.getFigures();
        if (f == null) {
            return;
        }
        ObjectNode o = n.putObject("figures");
        o.put("examples", f.getExamples());
        nullable(o, "accuracy", f.getAccuracy());
        nullable(o, "windowAccuracy", f.getWindowAccuracy());
        nullable(o, "fadingAccuracy", f.getFadingAccuracy());
        nullable(o, "logLoss", f.getLogLoss());
        nullable(o, "windowLogLoss", f.getWindowLogLoss());
        nullable(o, "mse", f.getMse());
        nullable(o, "mae", f.getMae());
        nullable(o, "windowMae", f.getWindowMae());
        o.put("drifts", f.getDrifts());
        o.put("warnings", f.getWarnings());
    }

    private static void nullable(ObjectNode n, String field, Double v) {
        number(n, field, v == null ? Double.NaN : v);
    }

    private DecodedSnapshot find(String id) {
        DecodedSnapshot p = registry.get(id);
        if (p != null) {
            return p;
        }
        if (!catalog.knows(id)) {
            String shown = id.length() > 100 ? id.substring(0, 100) + "..." : id;
            throw new ApiError(404, "unknown model '" + shown + "' (declared: " + String.join(", ", catalog.models().keySet()) + ")");
        }
        throw new ApiError(404, "model '" + id + "' has no published weights yet");
    }

    /** One model: spec, version, counters, prequential metrics, weights, and this instance's live figures. */
    private void model(HttpExchange ex, String id) throws IOException {
        DecodedSnapshot p = find(id);
        WeightSnapshot s = p.snapshot();
        ObjectNode n = JSON.createObjectNode();
        n.put("model", p.model());
        n.put("version", p.version());
        n.put("source", s.getSource().name());
        n.put("createdAt", s.getCreatedAt());
        if (s.getReason() != null) {
            n.put("reason", s.getReason());
        }
        ObjectNode spec = n.putObject("spec");
        spec.put("inputSize", s.getSpec().getInputSize());
        ArrayNode layers = spec.putArray("layers");
        s.getSpec().getLayers().forEach(l -> layers.addObject().put("units", l.getUnits()).put("activation", l.getActivation()));
        spec.put("loss", s.getSpec().getLoss());
        spec.put("optimizer", s.getSpec().getOptimizer().getKind());
        spec.put("learningRate", s.getSpec().getOptimizer().getLearningRate());
        spec.put("schedule", s.getSpec().getOptimizer().getSchedule());
        spec.put("scaling", s.getSpec().getScaling());
        spec.put("updateMode", s.getSpec().getUpdateMode().getMode());
        n.putObject("counters")
                .put("examplesSeen", s.getExamplesSeen())
                .put("updatesApplied", s.getUpdatesApplied())
                .put("updatesRefused", s.getUpdatesRefused());
        ObjectNode m = n.putObject("metrics");
        m.put("scored", s.getMetrics().getScored());
        nullable(m, "accuracy", PublishedFigures.accuracy(s));
        nullable(m, "logLoss", PublishedFigures.logLoss(s));
        figures(n, s);
        ArrayNode weights = n.putArray("weights");
        for (LayerWeights lw : s.getLayers()) {
            ObjectNode l = weights.addObject();
            l.put("rows", lw.getRows());
            l.put("cols", lw.getCols());
            ArrayNode w = l.putArray("weights");
            lw.getWeights().forEach(v -> w.add(v));
            ArrayNode b = l.putArray("biases");
            lw.getBiases().forEach(v -> b.add(v));
        }
        // Only on the instance that trains the model: the figures since this process started.
        ObjectNode live = n.putObject("live");
        metrics.snapshot(id).forEach((k, v) -> {
            if (v instanceof Double d) {
                number(live, k, d);
            } else {
                live.put(k, ((Number) v).longValue());
            }
        });
        sendJson(ex, 200, n);
    }

    /** JSON has no NaN or infinity: such a figure (nothing measured) is null. */
    private static void number(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }

    private void predict(HttpExchange ex, String id) throws IOException {
        DecodedSnapshot p = find(id);
        JsonNode body = readJson(ex);
        JsonNode f = body.get("features");
        if (f == null || !f.isArray()) {
            throw new ApiError(400, "the body must be {\"features\": [numbers...]}");
        }
        Network n = p.network();
        double[] x = new double[f.size()];
        for (int i = 0; i < x.length; i++) {
            if (!f.get(i).isNumber()) {
                throw new ApiError(422, "features[" + i + "] must be a finite number");
            }
            x[i] = f.get(i).asDouble();
        }
        RecordCheck.Problem problem = RecordCheck.features(id, n.spec(), x);
        if (problem != null) {
            throw new ApiError(422, problem.detail());
        }
        double[] out = new double[n.outputSize()];
        int label;
        // The registry's network is read by nobody else for prediction; its buffers are not thread-safe.
        synchronized (n) {
            n.predict(x, out);
            label = n.predictClass(out);
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("model", id);
        r.put("version", p.version());
        ArrayNode o = r.putArray("output");
        for (double v : out) {
            o.add(v);
        }
        r.put("label", label);
        sendJson(ex, 200, r);
    }

    /** The predicted class over a grid, for drawing a two-feature model's decision regions. */
    private void grid(HttpExchange ex, String id) throws IOException {
        DecodedSnapshot p = find(id);
        Network n = p.network();
        if (n.inputSize() != 2) {
            throw new ApiError(422, "model '" + id + "' has " + n.inputSize() + " inputs; a grid needs 2");
        }
        String q = ex.getRequestURI().getQuery();
        double[] box = {-1, 1, -1, 1};
        if (q != null) {
            for (String kv : q.split("&")) {
                String[] parts = kv.split("=", 2);
                int i = List.of("xmin", "xmax", "ymin", "ymax").indexOf(parts[0]);
                if (i >= 0 && parts.length == 2) {
                    try {
                        box[i] = Double.parseDouble(parts[1]);
                    } catch (NumberFormatException e) {
                        throw new ApiError(400, parts[0] + " must be a number");
                    }
                }
            }
        }
        if (!(Double.isFinite(box[0]) && Double.isFinite(box[1]) && Double.isFinite(box[2]) && Double.isFinite(box[3])
                && box[0] < box[1] && box[2] < box[3])) {
            throw new ApiError(400, "the grid needs finite xmin < xmax and ymin < ymax");
        }
        int size = GRID;
        ObjectNode r = JSON.createObjectNode();
        r.put("version", p.version());
        r.put("xmin", box[0]).put("xmax", box[1]).put("ymin", box[2]).put("ymax", box[3]);
        ArrayNode rows = r.putArray("classes");
        double[] x = new double[2];
        double[] out = new double[n.outputSize()];
        synchronized (n) {
            for (int j = 0; j < size; j++) {
                ArrayNode row = rows.addArray();
                for (int i = 0; i < size; i++) {
                    x[0] = box[0] + (box[1] - box[0]) * (i + 0.5) / size;
                    x[1] = box[2] + (box[3] - box[2]) * (j + 0.5) / size;
                    n.predict(x, out);
                    row.add(n.predictClass(out));
                }
            }
        }
        sendJson(ex, 200, r);
    }

    /** POST /models: a model as the configuration file declares one, with its id. */
    private void addModel(HttpExchange ex) throws IOException {
        CatalogueEditor e = requireEditor();
        JsonNode body = readJson(ex);
        if (!body.isObject() || !body.path("id").isTextual()) {
            throw new ApiError(400, "send a model as in the configuration file, with its id: {\"id\": \"m\", \"inputSize\": 2}");
        }
        sendJson(ex, 201, catalogueAnswer(() -> e.add(body.get("id").asText(), body)));
    }

    /** PATCH /models/{id}: settings dotted as in the file, {"optimizer.learningRate": 0.05}. */
    private void setModel(HttpExchange ex, String id) throws IOException {
        CatalogueEditor e = requireEditor();
        JsonNode body = readJson(ex);
        if (!body.isObject()) {
            throw new ApiError(400, "send the settings to change, dotted as in the file: {\"optimizer.learningRate\": 0.05}");
        }
        Map<String, String> changes = new java.util.LinkedHashMap<>();
        body.fields().forEachRemaining(f -> changes.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText()
                : f.getValue().toString()));
        sendJson(ex, 200, catalogueAnswer(() -> e.set(id, changes)));
    }

    /** DELETE /models/{id}: retire the model (its weights stay readable). */
    private void retireModel(HttpExchange ex, String id) throws IOException {
        CatalogueEditor e = requireEditor();
        sendJson(ex, 200, catalogueAnswer(() -> e.retire(id)));
    }

    private CatalogueEditor requireEditor() {
        if (editor == null) {
            throw new ApiError(405, "this server does not change the model catalogue", "GET, HEAD");
        }
        return editor;
    }

    /** The record written, or a 400 with every problem when the change is refused. */
    private static ObjectNode catalogueAnswer(Supplier<CatalogueRecord> change) {
        CatalogueRecord r;
        try {
            r = change.get();
        } catch (ConfigException refused) {
            throw new ApiError(400, String.join("; ", refused.problems()));
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("model", r.id());
        n.put("retired", r.retired());
        n.set("settings", r.model());
        n.put("changedBy", r.changedBy());
        return n;
    }

    private static JsonNode readJson(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                // Read what is left (up to a bound) so the client receives the answer instead of a reset connection.
                drain(in, 32L * MAX_BODY);
                throw new ApiError(413, "body larger than " + MAX_BODY + " bytes");
            }
            if (body.length == 0) {
                throw new ApiError(400, "the body is empty; send {\"features\": [numbers...]}");
            }
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiError(400, "the body is not valid JSON");
        }
    }

    private static void drain(InputStream in, long atMost) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = atMost;
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
            left -= n;
        }
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void sendError(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        n.put("status", status);
        sendJson(ex, status, n);
    }

    private void sendResource(HttpExchange ex, String resource, String type) throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ApiError(404, "missing resource " + resource);
            }
            send(ex, 200, type, in.readAllBytes());
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** A request the API refuses, with its HTTP status. */
    static final class ApiError extends RuntimeException {
        final int status;

        final String allow;

        ApiError(int status, String message) {
            this(status, message, null);
        }

        ApiError(int status, String message, String allow) {
            super(message, null, false, false);
            this.status = status;
            this.allow = allow;
        }
    }
}
