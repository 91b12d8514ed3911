package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.TopologyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's commands against a real broker with a running learner (the tutorial's models):
 * produce, tail, models, weights, retrain, plot. Output is checked, not only exit codes.
 */
@WithKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandsIT {
    private static final String CONFIG = "examples/tutorial.yaml";
    private static StreamlearnApp app;
    private static List<String> common;
    private static StreamlearnConfig config;

    @BeforeAll
    static void startLearner(KafkaCluster kafka, @TempDir Path state) {
        String run = "cmd-" + UUID.randomUUID().toString().substring(0, 8);
        common = List.of("-b", kafka.bootstrapServers(), "--config", CONFIG, "--topic-prefix", run + "-",
                "--set", "applicationId=" + run);
        config = ConfigLoader.load(Path.of(CONFIG), Map.of("bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "applicationId", run, "stateDir", state.toString()));
        app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopLearner() {
        if (app != null) {
            app.close();
        }
    }

    private static Cli.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void produceTheBlobsWithAHoldoutAndTailTheirAccuracy() {
        Cli.Result p = run("produce", "--generator", "blobs", "--model", "blobs", "--holdout", "0.25", "--seed", "42");
        assertEquals(0, p.exit(), p.toString());
        assertTrue(p.out().contains("produced 150 examples to '") && p.out().contains("and 50 events to '"), p.toString());

        Cli.Result t = run("tail", "scored-events", "--from-beginning", "--max", "50", "--accuracy", "--timeout", "60");
        assertEquals(0, t.exit(), t.toString());
        List<String> lines = t.out().lines().toList();
        assertEquals(51, lines.size(), t.toString());
        assertTrue(lines.get(0).contains("model=blobs"), lines.get(0));
        assertTrue(lines.get(50).startsWith("accuracy 1.0000 (50 of 50"), t.toString());

        Cli.Result json = run("tail", "scored-events", "--from-beginning", "--max", "1", "--json", "--timeout", "30");
        assertTrue(json.out().startsWith("{\"id\":\"p-"), json.toString());
        assertTrue(json.out().contains("\"model\":\"blobs\""), json.toString());
    }

    @Test
    @Order(2)
    void modelsAndWeightsShowWhatWasPublished() throws Exception {
        Cli.Result m = run("models");
        assertEquals(0, m.exit(), m.toString());
        String blobs = m.out().lines().filter(l -> l.startsWith("blobs ")).findFirst().orElseThrow();
        assertTrue(blobs.contains(" LIVE "), blobs);
        assertTrue(blobs.contains(" 150 "), "150 examples seen: " + blobs);
        assertTrue(m.out().contains("or-relu"), "declared models are listed: " + m);

        Cli.Result w = run("weights", "blobs");
        assertEquals(0, w.exit(), w.toString());
        assertTrue(w.out().contains("layer 0: 1 x 2, sigmoid"), w.toString());
        assertTrue(w.out().contains("examples 150"), w.toString());

        Cli.Result v1 = run("weights", "blobs", "--version", "1");
        assertEquals(0, v1.exit(), v1.toString());
        assertTrue(v1.out().startsWith("model blobs version 1 (LIVE, parent none)"), v1.toString());
        assertTrue(v1.out().contains("examples 10,"), "version 1 is the snapshot after 10 updates: " + v1);

        Cli.Result json = run("weights", "blobs", "--json");
        assertEquals(0, json.exit(), json.toString());
        var snapshot = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertEquals("blobs", snapshot.get("model").asText());
        assertEquals(150, snapshot.get("examplesSeen").asLong());
        assertEquals(2, snapshot.get("layers").get(0).get("weights").size(), json.toString());

        Cli.Result missing = run("weights", "blobs", "--version", "9999");
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().startsWith("error: version 9999"), missing.toString());
    }

    @Test
    @Order(3)
    void retrainReplaysTheTopicAndTheLearnerAdoptsTheResult() throws Exception {
        Cli.Result r = run("retrain", "--model", "blobs", "--epochs", "1000", "--batch-size", "32", "--optimizer", "adam",
                "--holdout", "0.25");
        assertEquals(0, r.exit(), r.toString());
        String last = r.out().lines().filter(l -> l.startsWith("epoch 1000/1000")).findFirst().orElseThrow();
        assertTrue(last.contains("holdout accuracy 1.000"), last);
        assertTrue(r.out().contains("published 'blobs' version"), r.toString());

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        DecodedSnapshot p = app.registry().get("blobs");
        while (p.source() != SnapshotSource.RETRAIN && System.nanoTime() < deadline) {
            Thread.sleep(100);
            p = app.registry().get("blobs");
        }
        assertEquals(SnapshotSource.RETRAIN, p.source(), "scoring adopted the retrained version");

        // A buffer smaller than the range: nothing is kept between epochs, every epoch re-reads Kafka.
        Cli.Result reread = run("retrain", "--model", "blobs", "--epochs", "2", "--batch-size", "1", "--shuffle",
                "--buffer", "16", "--no-publish");
        assertEquals(0, reread.exit(), reread.toString());
        assertTrue(reread.out().contains("epoch 2/2  loss") && reread.out().contains("(150 examples, 150 updates)"),
                reread.toString());
        Cli.Result fromOffset = run("retrain", "--model", "blobs", "--offsets", "0:100", "--no-publish");
        assertEquals(0, fromOffset.exit(), fromOffset.toString());
        assertTrue(fromOffset.out().contains("(50 examples, 50 updates)"), "offsets 100..149: " + fromOffset);
        Cli.Result fromTime = run("retrain", "--model", "blobs", "--from-timestamp", "2100-01-01T00:00:00Z", "--no-publish");
        assertEquals(2, fromTime.exit(), "nothing after that time: " + fromTime);
        assertTrue(fromTime.err().contains("no usable examples"), fromTime.toString());

        Cli.Result lr = run("retrain", "--model", "blobs", "--epochs", "1", "--learning-rate", "0.25", "--no-publish");
        assertEquals(0, lr.exit(), lr.toString());
        assertTrue(lr.out().contains("adam lr 0.25"), "the config's optimizer with the given rate: " + lr);
        Cli.Result sgd = run("retrain", "--model", "blobs", "--epochs", "1", "--optimizer", "sgd", "--lr", "0.5", "--no-publish");
        assertTrue(sgd.out().contains("sgd lr 0.5"), sgd.toString());

        Cli.Result full = run("retrain", "--model", "blobs", "--epochs", "3", "--batch-size", "all", "--no-publish");
        assertEquals(0, full.exit(), full.toString());
        assertTrue(full.out().contains("full batch"), full.toString());
        assertTrue(full.out().contains("(150 examples, 1 update)"), "one update per epoch: " + full);
    }

    @Test
    @Order(4)
    void plotDrawsBothPictures(@TempDir Path out) throws Exception {
        Cli.Result p = run("plot", "--dataset", "blobs", "--model", "blobs", "--out", out.toString(), "--prefix", "t");
        assertEquals(0, p.exit(), p.toString());
        for (String f : List.of("t-data.png", "t-predictions.png")) {
            byte[] png = Files.readAllBytes(out.resolve(f));
            assertTrue(png.length > 5_000, f + " has a picture in it");
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4), f);
        }
        Path csv = out.resolve("points.csv");
        Files.writeString(csv, "x1,x2,y\n-2,-1,0\n-1.5,-2,0\n2,1.5,1\n1,2,1\n");
        Cli.Result fromCsv = run("plot", "--csv", csv.toString(), "--model", "blobs", "--version", "1", "--out", out.toString(),
                "--prefix", "c");
        assertEquals(0, fromCsv.exit(), fromCsv.toString());
        assertTrue(fromCsv.out().contains("c-data.png") && fromCsv.out().contains("c-predictions.png"), fromCsv.toString());
        for (String f : List.of("c-data.png", "c-predictions.png")) {
            assertTrue(javax.imageio.ImageIO.read(out.resolve(f).toFile()).getWidth() > 0, f + " is an image");
        }
        Cli.Result noSuchVersion = run("plot", "--csv", csv.toString(), "--model", "blobs", "--version", "9999", "--out",
                out.toString(), "--prefix", "n");
        assertEquals(2, noSuchVersion.exit(), "--version picks the snapshot: " + noSuchVersion);
        assertTrue(noSuchVersion.err().contains("version 9999"), noSuchVersion.toString());

        Cli.Result fromTopic = run("plot", "--from-topic", "--model", "blobs", "--out", out.toString(), "--prefix", "k");
        assertEquals(0, fromTopic.exit(), fromTopic.toString());
        assertTrue(Files.size(out.resolve("k-predictions.png")) > 5_000);
    }

    @Test
    @Order(5)
    void tailWeightsAndDeadLetters() throws Exception {
        Cli.Result w = run("tail", "weights", "--from-beginning", "--max", "1", "--timeout", "30");
        assertTrue(w.out().contains(" v0 ") || w.out().contains(" v1 "), w.toString());

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(config.topics().examples(), "not json".getBytes(StandardCharsets.UTF_8))).get();
        }
        Cli.Result d = run("tail", "dead-letters", "--from-beginning", "--max", "1", "--timeout", "30");
        assertEquals(0, d.exit(), d.toString());
        assertTrue(d.out().contains("UNDECODABLE from " + config.topics().examples()), d.toString());
        assertTrue(d.out().contains("value=not json"), d.toString());

        Cli.Result dj = run("tail", "dead-letters", "--from-beginning", "--max", "1", "--json", "--timeout", "30");
        assertEquals(0, dj.exit(), dj.toString());
        var letter = new io.streamlearn.codec.AvroJson<io.streamlearn.avro.DeadLetter>(io.streamlearn.avro.DeadLetter.getClassSchema())
                .decode(dj.out().strip().getBytes(StandardCharsets.UTF_8));
        assertEquals("UNDECODABLE", letter.getReason());
        assertEquals(config.topics().examples(), letter.getSourceTopic());
        assertEquals("not json", StandardCharsets.UTF_8.decode(letter.getValue()).toString());
    }

    @Test
    @Order(6)
    void produceFromCsvAndFromStdin(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("xor.csv");
        Files.writeString(csv, "key,a,b,y\nk1,0,0,0\nk2,1,0,1\nk3,0,1,1\nk4,1,1,0\n");
        Cli.Result c = run("produce", "--file", csv.toString(), "--label-column", "y", "--key-column", "key",
                "--model", "xor-hidden");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().startsWith("produced 4 examples"), c.toString());

        List<String> args = new ArrayList<>(List.of("produce", "--file", "-", "--input-format", "jsonl"));
        args.addAll(common);
        Cli.Result s = Cli.runWithInput("{\"model\": \"xor-single\", \"features\": [1, 1], \"label\": 0}\n\n"
                + "{\"model\": \"xor-single\", \"features\": [0, 1], \"label\": 1}\n", args.toArray(String[]::new));
        assertEquals(0, s.exit(), s.toString());
        assertTrue(s.out().startsWith("produced 2 examples"), s.toString());

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b,y\n1,2\n");
        Cli.Result b = run("produce", "--file", bad.toString());
        assertEquals(2, b.exit(), b.toString());
        assertTrue(b.err().contains("line 2 has 2 columns"), b.toString());
    }

    @Test
    @Order(7)
    void theLiveTrainerContinuesFromARetrainedVersion() throws Exception {
        Cli.Result r = run("retrain", "--model", "blobs", "--epochs", "5");
        assertEquals(0, r.exit(), r.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("published 'blobs' version (\\d+)").matcher(r.out());
        assertTrue(m.find(), r.toString());
        long retrained = Long.parseLong(m.group(1));
        // blobs publishes every 10 updates: 10 more examples make the next live snapshot.
        Cli.Result p = run("produce", "--generator", "blobs", "--model", "blobs", "--count", "10", "--seed", "5");
        assertEquals(0, p.exit(), p.toString());
        String expected = "model blobs version " + (retrained + 1) + " (LIVE, parent " + retrained + ")";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Cli.Result w = run("weights", "blobs");
        while (!w.out().startsWith(expected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            w = run("weights", "blobs");
        }
        assertTrue(w.out().startsWith(expected), "the live trainer adopted version " + retrained + ": " + w);
    }

    @Test
    @Order(8)
    void anUnreachableBrokerIsReportedWithinSeconds() {
        long t0 = System.nanoTime();
        Cli.Result r = Cli.run("models", "-b", "127.0.0.1:1");
        long secs = (System.nanoTime() - t0) / 1_000_000_000L;
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("error: no Kafka broker answered at 127.0.0.1:1"), r.toString());
        assertTrue(secs < 30, "reported after " + secs + " s, not after Kafka's minute-long default");
    }
}
