package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.app.Observability;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.http.HttpApi;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's walk-through ("The tutorial, step by step, on Kafka"), run as written: the `sl ...`
 * lines are read out of README's code blocks, so README and this test cannot drift apart, and
 * every result README states is checked against what the commands print. Only the connection
 * (bootstrap servers, a fresh topic prefix and application id) and the pictures' directory are
 * added, as a reader on a fresh machine would have them from the broker and their shell.
 */
@WithKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkthroughIT {
    private static final String SECTION = "## The tutorial, step by step, on Kafka";
    private static final String CONFIG = "examples/tutorial.yaml";
    private static final Pattern STEP = Pattern.compile("^\\*\\*(\\d+)\\. ");

    private static String section;
    private static Map<Integer, List<String>> commands;
    private static List<String> common;
    private static StreamlearnApp app;
    private static Observability obs;
    private static int httpPort;
    @TempDir
    static Path dir;

    @BeforeAll
    static void startTheLearner(KafkaCluster kafka) throws Exception {
        section = section(Files.readString(Path.of("README.md")));
        commands = commands(section);
        String run = "walk-" + UUID.randomUUID().toString().substring(0, 8);
        common = List.of("--config", CONFIG, "-b", kafka.bootstrapServers(), "--topic-prefix", run + "-",
                "--set", "applicationId=" + run);
        StreamlearnConfig config = ConfigLoader.load(Path.of(CONFIG), Map.of("bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "applicationId", run, "stateDir", dir.resolve("state").toString()));
        obs = new Observability();
        ModelRegistry registry = new ModelRegistry();
        app = StreamlearnApp.start(config, registry, obs.listener(registry), Duration.ofSeconds(60));
        HttpApi http = obs.attach(app, "127.0.0.1", 0);
        httpPort = http.port();
    }

    @AfterAll
    static void stopTheLearner() {
        if (app != null) {
            app.close();
        }
        if (obs != null) {
            obs.close();
        }
    }

    @Test
    @Order(1)
    void step1TheOrFunctionWithTheTutorialsWeights() {
        List<Cli.Result> r = runStep(1);
        assertTrue(r.get(0).out().contains("and 4 events to '"), r.get(0).toString());
        assertTrue(r.get(1).out().contains(stated("accuracy 1.0000 (4 of 4 scored events with a true label)")), r.get(1).toString());
    }

    @Test
    @Order(2)
    void step2TheThreeActivations() throws Exception {
        assertTrue(section.contains("localhost:8080/models/$m/predict"), "README's step 2 calls the predict endpoint");
        List<String[]> table = section.lines().filter(l -> l.startsWith("| (")).map(l -> l.split("\\|")).toList();
        assertEquals(4, table.size(), "four inputs in README's table");
        List<String> models = List.of("or", "or-relu", "or-sigmoid");
        HttpClient client = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        for (String[] row : table) {
            String input = row[1].trim().replace("(", "[").replace(")", "]").replace(" ", "");
            for (int m = 0; m < models.size(); m++) {
                String stated = row[2 + m].trim();
                HttpResponse<String> resp = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + httpPort + "/models/" + models.get(m) + "/predict"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"features\": " + input + "}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, resp.statusCode(), resp.body());
                double output = json.readTree(resp.body()).get("output").get(0).asDouble();
                int decimals = stated.contains(".") ? stated.length() - stated.indexOf('.') - 1 : 0;
                assertEquals(Double.parseDouble(stated), output, 0.5 * Math.pow(10, -Math.max(decimals, 3)),
                        models.get(m) + " at " + input + ": README says " + stated + ", the API " + resp.body());
            }
        }
    }

    @Test
    @Order(3)
    void step3ThePerceptronLearnsOr() {
        List<String> step = commands.get(3);
        for (String pass : step.subList(0, step.size() - 1)) {
            Cli.Result produce = run(pass);
            assertEquals(0, produce.exit(), produce.toString());
        }
        Cli.Result weights = eventually(step.get(step.size() - 1), r -> r.out().contains("examples 12,"));
        assertTrue(weights.out().contains(stated("model or-learned version 12 (LIVE, parent 11)")), weights.toString());
        assertTrue(weights.out().contains(stated("W[0] = 1.0 1.0   b[0] = -1.0")), weights.toString());
    }

    @Test
    @Order(4)
    void step4TheBlobsAtAHundredPercent() {
        List<Cli.Result> r = runStep(4);
        assertTrue(r.get(0).out().contains(stated("produced 150 examples")) && r.get(0).out().contains("and 50 events"),
                r.get(0).toString());
        assertTrue(r.get(1).out().contains(stated("accuracy 1.0000 (50 of 50 scored events with a true label)")),
                r.get(1).toString());
    }

    @Test
    @Order(5)
    void step5StochasticVersusMiniBatch() {
        List<String> step = commands.get(5);
        run(step.get(0));
        run(step.get(1));
        // README's rows of the models table: MODEL VERSION SOURCE EXAMPLES UPDATES.
        Map<String, String> stated = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^# (blobs\\S*)\\s+(\\d+ \\S+\\s+\\d+\\s+\\d+)").matcher(section);
        while (row.find()) {
            stated.put(row.group(1), row.group(2).replaceAll("\\s+", " "));
        }
        assertEquals(List.of("blobs", "blobs-batch", "blobs-window"), List.copyOf(stated.keySet()), section);
        Cli.Result models = eventually(step.get(2), r -> stated.entrySet().stream().allMatch(e -> rowOf(r, e.getKey()).equals(e.getValue())));
        stated.forEach((m, v) -> assertEquals(v, rowOf(models, m), m + " in\n" + models));
    }

    @Test
    @Order(6)
    void step6RetrainWithBatchSizeAndEpochs() {
        List<Cli.Result> r = runStep(6);
        assertTrue(r.get(0).out().contains(stated("(112 examples, 4 updates)  holdout accuracy 1.000")), r.get(0).toString());
        assertTrue(r.get(0).out().contains(stated("published 'blobs' version 16 (source RETRAIN, parent 15)")), r.get(0).toString());
        assertTrue(r.get(1).out().contains(stated("(112 examples, 1 update)")), "full batch: " + r.get(1));
        assertTrue(r.get(2).out().contains(stated("(112 examples, 112 updates)")), "stochastic: " + r.get(2));
        // The tutorial's own split: all 150 examples trained, step 4's 50 held-out events tested.
        assertTrue(r.get(3).out().contains(stated("(150 examples, 5 updates)  test accuracy 1.000")), "test events: " + r.get(3));
        assertTrue(r.get(3).out().contains(stated("(50 events)")), "test events: " + r.get(3));
    }

    @Test
    @Order(7)
    void step7ASingleLayerFailsXorAHiddenLayerFixesIt() {
        long t0 = System.nanoTime();
        List<Cli.Result> r = runStep(7);
        System.out.printf("step 7 took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertTrue(r.get(4).out().contains(stated("accuracy 0.5000 (2 of 4 scored events with a true label)")), r.get(4).toString());
        assertTrue(r.get(5).out().contains(stated("accuracy 1.0000 (4 of 4 scored events with a true label): 2-4-1")
                .replace(": 2-4-1", "")), r.get(5).toString());
    }

    @Test
    @Order(8)
    void step8ThePictures() throws Exception {
        runStep(8);
        Path pictures = dir.resolve("pictures");
        for (String f : List.of("streamlearn-data.png", "streamlearn-predictions.png", "xor-data.png", "xor-predictions.png")) {
            assertTrue(section.contains(f.startsWith("xor") ? "--prefix xor" : f), "README names " + f);
            BufferedImage img = ImageIO.read(pictures.resolve(f).toFile());
            assertNotNull(img, f + " is a readable image");
            assertTrue(img.getWidth() >= 200 && img.getHeight() >= 200, f + " " + img.getWidth() + "x" + img.getHeight());
        }
    }

    /** Runs every `sl` line of a step; each must succeed. */
    private static List<Cli.Result> runStep(int step) {
        List<Cli.Result> results = new ArrayList<>();
        for (String line : commands.get(step)) {
            Cli.Result r = run(line);
            assertEquals(0, r.exit(), line + "\n" + r);
            results.add(r);
        }
        return results;
    }

    private static Cli.Result run(String line) {
        List<String> args = new ArrayList<>(List.of(line.substring("sl ".length()).trim().split("\\s+")));
        int out = args.indexOf("--out");
        if (out >= 0) {
            args.set(out + 1, dir.resolve(args.get(out + 1)).toString());
        }
        if (args.get(0).equals("tail") && !args.contains("--timeout")) {
            args.addAll(List.of("--timeout", "60")); // a failing step ends the test instead of hanging it
        }
        args.addAll(common);
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        System.out.println("$ " + line + "\n" + r.out() + r.err());
        return r;
    }

    /** A read-only command, repeated until the learner has caught up (a reader types more slowly than a test). */
    private static Cli.Result eventually(String line, Predicate<Cli.Result> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Cli.Result r = run(line);
        while (!done.test(r) && System.nanoTime() < deadline) {
            sleep();
            r = run(line);
        }
        return r;
    }

    private static void sleep() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** MODEL's row of `models` as VERSION SOURCE EXAMPLES UPDATES. */
    private static String rowOf(Cli.Result models, String model) {
        return models.out().lines().filter(l -> l.startsWith(model + " ")).findFirst()
                .map(l -> String.join(" ", List.of(l.trim().split("\\s+")).subList(1, 5))).orElse("(no row)");
    }

    /** A result README states in the walk-through: it must be there, word for word. */
    private static String stated(String text) {
        assertTrue(section.contains(text), "README's walk-through states '" + text + "'");
        return text;
    }

    private static String section(String readme) {
        int start = readme.indexOf(SECTION);
        assertTrue(start >= 0, "README has the section " + SECTION);
        int end = readme.indexOf("\n## ", start + SECTION.length());
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The `sl ...` lines of each numbered step's code blocks, without their comments. */
    private static Map<Integer, List<String>> commands(String section) {
        Map<Integer, List<String>> byStep = new LinkedHashMap<>();
        int step = 0;
        boolean code = false;
        for (String line : section.lines().toList()) {
            Matcher m = STEP.matcher(line);
            if (!code && m.find()) {
                step = Integer.parseInt(m.group(1));
            } else if (line.startsWith("```")) {
                code = !code;
            } else if (code && step > 0 && line.startsWith("sl ")) {
                int comment = line.indexOf(" #");
                byStep.computeIfAbsent(step, k -> new ArrayList<>()).add((comment < 0 ? line : line.substring(0, comment)).trim());
            }
        }
        assertFalse(byStep.isEmpty(), "README's walk-through has sl commands");
        return byStep;
    }
}
