package io.streamlearn.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.metrics.LearnerMetrics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.snapshot.SnapshotMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API without a broker: health follows the Kafka Streams state it is given, an empty
 * instance answers sensibly, and the dashboard's history stays bounded.
 */
class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private final ModelRegistry registry = new ModelRegistry();
    private final LearnerMetrics metrics = new LearnerMetrics();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient client = HttpClient.newHttpClient();
    private DashboardHistory history;
    private HttpApi api;

    @BeforeEach
    void start() throws Exception {
        metrics.bindTo(prometheus);
        history = new DashboardHistory(registry, metrics);
        var catalog = io.streamlearn.config.ModelCatalog.of(io.streamlearn.config.ConfigLoader.fromYaml(
                "models: [{id: default, inputSize: 2}, {id: blobs, inputSize: 2}]", java.util.Map.of()));
        api = new HttpApi("127.0.0.1", 0, registry, catalog, null, state::get, prometheus, metrics, history);
    }

    @AfterEach
    void stop() {
        api.close();
        history.close();
        prometheus.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthFollowsTheStreamsState() throws Exception {
        record Expect(KafkaStreams.State state, int ready, int live) {
        }
        for (Expect e : new Expect[] {
                new Expect(KafkaStreams.State.CREATED, 503, 200),
                new Expect(KafkaStreams.State.REBALANCING, 503, 200),
                new Expect(KafkaStreams.State.RUNNING, 200, 200),
                new Expect(KafkaStreams.State.PENDING_SHUTDOWN, 503, 503),
                new Expect(KafkaStreams.State.NOT_RUNNING, 503, 503),
                new Expect(KafkaStreams.State.PENDING_ERROR, 503, 503),
                new Expect(KafkaStreams.State.ERROR, 503, 503)}) {
            state.set(e.state());
            HttpResponse<String> ready = get("/health");
            assertEquals(e.ready(), ready.statusCode(), e + ": " + ready.body());
            assertEquals(e.ready(), get("/health/ready").statusCode(), e.toString());
            assertEquals(e.live(), get("/health/live").statusCode(), e.toString());
            JsonNode n = JSON.readTree(ready.body());
            assertEquals(e.state().name(), n.path("state").asText());
            assertEquals(e.ready() == 200, n.path("ready").asBoolean());
            assertEquals(e.live() == 200, n.path("live").asBoolean());
        }
    }

    @Test
    void anInstanceWithoutWeightsAnswersEmpty() throws Exception {
        assertEquals("[]", get("/models").body());
        HttpResponse<String> none = get("/models/default");
        assertEquals(404, none.statusCode());
        assertEquals("model 'default' has no published weights yet", JSON.readTree(none.body()).path("error").asText());
        JsonNode h = JSON.readTree(get("/api/history").body());
        assertEquals(0, h.path("models").size());
        assertEquals(0, h.path("scored").asInt());
        HttpResponse<String> metricsText = get("/metrics");
        assertEquals(200, metricsText.statusCode());
        assertFalse(metricsText.body().contains("streamlearn_examples"), "no model meters before any example");
    }

    /** A typo in the id is told apart from a declared model that has not published yet, for every route. */
    @Test
    void anUndeclaredModelIsUnknownADeclaredOneHasNoWeightsYet() throws Exception {
        for (String path : new String[] {"/models/%s", "/models/%s/grid"}) {
            HttpResponse<String> unknown = get(path.formatted("nosuch"));
            assertEquals(404, unknown.statusCode(), unknown.body());
            assertEquals("unknown model 'nosuch' (declared: default, blobs)", JSON.readTree(unknown.body()).path("error").asText());
            HttpResponse<String> declared = get(path.formatted("blobs"));
            assertEquals(404, declared.statusCode(), declared.body());
            assertEquals("model 'blobs' has no published weights yet", JSON.readTree(declared.body()).path("error").asText());
        }
        HttpResponse<String> predict = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
                        + "/models/nosuch/predict")).POST(HttpRequest.BodyPublishers.ofString("{\"features\": [1, 2]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, predict.statusCode(), predict.body());
        assertTrue(predict.body().contains("unknown model 'nosuch' (declared: default, blobs)"), predict.body());
    }

    /** Weights nobody trained (explicit initial weights, a retrain without a holdout) have no accuracy: null, not 0. */
    @Test
    void figuresNothingWasScoredForAreNullAndMeasuredOnesAreNumbers() throws Exception {
        OnlineLearner learner = OnlineLearner.fresh(ConfigLoader.defaults().model("default"));
        offer(learner, 1);
        JsonNode listed = JSON.readTree(get("/models").body()).get(0);
        assertTrue(listed.path("accuracy").isNull() && listed.path("logLoss").isNull(), listed.toString());
        JsonNode one = JSON.readTree(get("/models/default").body()).path("metrics");
        assertTrue(one.path("accuracy").isNull() && one.path("logLoss").isNull(), one.toString());
        assertEquals(0, one.path("scored").asLong(), one.toString());
        history.sample();
        JsonNode sample = JSON.readTree(get("/api/history").body()).path("models").path("default").path("samples").get(0);
        assertTrue(sample.get(1).isNull() && sample.get(3).isNull(), "the dashboard shows '–', not 0: " + sample);

        learner.learn(new double[] {1, 2}, io.streamlearn.model.Label.of(1), 0);
        offer(learner, 2);
        JsonNode measured = JSON.readTree(get("/models/default").body()).path("metrics");
        assertEquals(1, measured.path("scored").asLong(), measured.toString());
        assertTrue(measured.path("accuracy").isNumber() && measured.path("logLoss").isNumber(), measured.toString());
        assertTrue(JSON.readTree(get("/models").body()).get(0).path("accuracy").isNumber());
    }

    private void offer(OnlineLearner learner, long version) {
        WeightSnapshot s = SnapshotMapper.snapshot(learner, version, 0, SnapshotSource.LIVE, null);
        registry.offer(new DecodedSnapshot("default", version, SnapshotSource.LIVE, SnapshotMapper.network(s), s));
    }

    @Test
    void theHistoryIsBoundedWhateverTheTraffic() throws Exception {
        OnlineLearner learner = OnlineLearner.fresh(ConfigLoader.defaults().model("default"));
        WeightSnapshot s = SnapshotMapper.snapshot(learner, 1, 0, SnapshotSource.LIVE, null);
        registry.offer(new DecodedSnapshot("default", 1, SnapshotSource.LIVE, SnapshotMapper.network(s), s));
        for (int i = 0; i < 5 * DashboardHistory.POINTS; i++) {
            history.scored("default", 1, new double[] {i, -i}, i % 2, 1000);
            history.scored("default", 1, new double[] {1, 2, 3}, 0, 1000); // not two features: counted, not drawn
        }
        history.deadLetter("events", DeadLetterReason.WRONG_DIMENSION);
        for (int i = 0; i < DashboardHistory.SAMPLES + 10; i++) {
            history.sample();
        }
        JsonNode h = JSON.readTree(get("/api/history").body());
        JsonNode m = h.path("models").path("default");
        assertEquals(DashboardHistory.POINTS, m.path("points").size());
        JsonNode newest = m.path("points").get(DashboardHistory.POINTS - 1);
        assertEquals(5 * DashboardHistory.POINTS - 1, newest.get(0).asInt(), "the newest points are kept");
        assertEquals(DashboardHistory.SAMPLES, m.path("samples").size());
        assertEquals(10 * DashboardHistory.POINTS, h.path("scored").asInt());
        assertEquals(1, h.path("deadLetterReasons").path("WRONG_DIMENSION").asInt());
        JsonNode sample = m.path("samples").get(0);
        assertEquals(8, sample.size());
        assertTrue(sample.get(2).isNull(), "no window accuracy without examples: null, not NaN: " + sample);
        assertTrue(sample.get(7).isNull(), "no window log loss without examples: null, not NaN: " + sample);
    }
}
