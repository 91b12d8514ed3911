package io.streamlearn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamlearn.cli.Main;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.data.Generators;
import io.streamlearn.deploy.Dockerfile.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/**
 * The Dockerfile, docker-compose.yml and deploy/prometheus.yml, read without a Docker engine: the
 * promises the containers depend on. The image builds the jar with Maven and runs it as a non-root
 * user with a health check on /health; its default command is a `run` the CLI accepts, with a
 * configuration the learner accepts and its state on the volume. In compose, the learner and the
 * feed reach the KRaft broker at a listener it advertises, the feed's `produce` is valid and names
 * a declared model, and Prometheus scrapes the learner's service and port. (`docker-compose config
 * -q` in .ci/run checks the compose file against Compose's schema.)
 */
class DeploymentFilesTest {
    private static final Path COMPOSE = Path.of("docker-compose.yml");
    /** The image's default command, as the CLI parses it. */
    private static final String LEARNER = "streamlearn";
    private static final String BROKER = "kafka";
    private static final String FEED = "feed";
    private static final String PROMETHEUS = "prometheus";

    private static JsonNode compose() throws IOException {
        return Manifests.YAML.readTree(COMPOSE.toFile());
    }

    private static JsonNode service(String name) throws IOException {
        JsonNode s = compose().path("services").path(name);
        assertTrue(s.isObject(), "docker-compose.yml has a service '" + name + "'");
        return s;
    }

    /** The final stage's CMD as `streamlearn.jar` parses it. */
    private static ParseResult defaultCommand(Dockerfile d) {
        List<String> cmd = d.last("CMD", d.lastStage()).orElseThrow(() -> new AssertionError("no CMD")).execForm();
        return Main.newCommandLine().parseArgs(cmd.toArray(String[]::new)).subcommand();
    }

    private static int httpPort(ParseResult run) {
        Integer port = run.matchedOptionValue("--http-port", null);
        assertNotNull(port, "the default command serves HTTP");
        return port;
    }

    @Test
    void imageBuildsTheJarWithMavenAndRunsItOnAJre17AsNonRoot() throws IOException {
        Dockerfile d = Dockerfile.read();
        assertTrue(d.lastStage() >= 1, "a multi-stage build");
        String build = d.all("FROM", 0).get(0).args();
        assertTrue(build.matches("maven:\\S*temurin-17\\S* AS build"), build);
        assertTrue(d.all("RUN", 0).stream().anyMatch(r -> r.args().endsWith("mvn -B -q -DskipTests package")),
                "the build stage runs README's package command");
        assertTrue(Files.readString(Path.of("pom.xml")).contains("<outputFile>${project.build.directory}/streamlearn.jar</outputFile>"),
                "the build produces target/streamlearn.jar");
        String runtime = d.all("FROM", d.lastStage()).get(0).args();
        assertTrue(runtime.matches("eclipse-temurin:17-jre\\S*"), runtime);
        assertTrue(d.all("COPY", d.lastStage()).stream()
                .anyMatch(c -> c.args().equals("--from=build /src/target/streamlearn.jar /app/streamlearn.jar")));
        assertTrue(d.runtimeUid() > 0, "a non-root USER");
        assertEquals(List.of("java", "-XX:SharedArchiveFile=/app/streamlearn.jsa", "-jar", "/app/streamlearn.jar"),
                d.last("ENTRYPOINT", d.lastStage()).orElseThrow().execForm());
    }

    /**
     * The class archive the entry point maps is made in the final stage (by the JVM that uses it: one
     * made by the build stage's JDK would be refused), from the jar the image runs, before the
     * non-root user takes over.
     */
    @Test
    void theClassArchiveIsMadeByTheRuntimeJvmFromTheJarItRuns() {
        Dockerfile d = Dockerfile.read();
        List<Instruction> runs = d.all("RUN", d.lastStage());
        assertTrue(runs.stream().anyMatch(r -> r.args().startsWith(
                        "java -XX:ArchiveClassesAtExit=/app/streamlearn.jsa -Xlog:cds=off -jar /app/streamlearn.jar demo ")),
                runs.toString());
        List<String> order = d.instructions().stream().map(Instruction::keyword).toList();
        int archive = -1;
        int user = -1;
        int copyJar = -1;
        for (int i = 0; i < d.instructions().size(); i++) {
            Instruction in = d.instructions().get(i);
            if (in.keyword().equals("RUN") && in.args().contains("ArchiveClassesAtExit")) {
                archive = i;
            } else if (in.keyword().equals("USER")) {
                user = i;
            } else if (in.keyword().equals("COPY") && in.args().endsWith("/app/streamlearn.jar")) {
                copyJar = i;
            }
        }
        assertTrue(copyJar < archive && archive < user, "jar copied, archive made, then USER: " + order);
    }

    @Test
    void defaultCommandRunsTheLearnerWithTheBakedConfigAndItsStateOnTheVolume() {
        Dockerfile d = Dockerfile.read();
        ParseResult run = defaultCommand(d);
        assertEquals("run", run.commandSpec().name());
        assertEquals("0.0.0.0", run.matchedOptionValue("--http-host", "127.0.0.1"), "reachable from outside the container");
        int port = httpPort(run);
        assertTrue(d.all("EXPOSE", d.lastStage()).stream().anyMatch(e -> e.args().equals(Integer.toString(port))));
        // --config is a file the image copies from the repository, and the learner accepts it
        String configPath = run.matchedOptionValue("--config", null).toString();
        Path source = copiedTo(d, configPath).orElseThrow(() -> new AssertionError(configPath + " is not copied into the image"));
        Map<String, String> overrides = run.matchedOptionValue("--set", Map.of());
        StreamlearnConfig config = ConfigLoader.load(source, overrides);
        // Kafka Streams' state goes to the image's volume
        assertNotNull(config.stateDir());
        String volume = d.last("VOLUME", d.lastStage()).orElseThrow(() -> new AssertionError("no VOLUME")).execForm().get(0);
        assertTrue(config.stateDir().startsWith(volume + "/"), config.stateDir() + " is not under the volume " + volume);
    }

    /** The repository file a COPY of the final stage puts at {@code target}. */
    private static Optional<Path> copiedTo(Dockerfile d, String target) {
        for (Instruction c : d.all("COPY", d.lastStage())) {
            String[] parts = c.args().split(" ");
            if (parts.length == 2 && parts[1].equals(target) && !parts[0].startsWith("--")) {
                return Optional.of(Path.of(parts[0]));
            }
        }
        return Optional.empty();
    }

    @Test
    void healthCheckAsksHealthOnTheServedPort() {
        Dockerfile d = Dockerfile.read();
        String check = d.last("HEALTHCHECK", d.lastStage()).orElseThrow(() -> new AssertionError("no HEALTHCHECK")).args();
        int port = httpPort(defaultCommand(d));
        // curl ships with Temurin's Ubuntu images (the runtime FROM); the check fails on any non-2xx answer
        assertTrue(check.contains(" CMD curl -fsS ") || check.startsWith("CMD curl -fsS "), check);
        assertTrue(check.contains("http://127.0.0.1:" + port + "/health "), check);
    }

    @Test
    void dockerignoreKeepsWhatTheBuildCopies() throws IOException {
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        Dockerfile d = Dockerfile.read();
        List<String> sources = new ArrayList<>();
        for (Instruction c : d.instructions()) {
            if (c.keyword().equals("COPY") && !c.args().startsWith("--from")) {
                String[] parts = c.args().split(" ");
                sources.addAll(List.of(parts).subList(0, parts.length - 1));
            }
        }
        assertFalse(sources.isEmpty());
        for (String s : sources) {
            String path = s.replaceAll("/$", "");
            assertTrue(Files.exists(Path.of(path)), "COPY " + s + ": no such file");
            assertFalse(ignored(rules, path), ".dockerignore leaves out " + s + ", which the Dockerfile copies");
        }
        assertTrue(ignored(rules, "target"), "the build context leaves out target/");
        assertTrue(ignored(rules, ".git"));
    }

    /** .dockerignore's rules as Docker applies them to top-level names and their children: the last matching rule wins. */
    private static boolean ignored(List<String> rules, String path) {
        boolean ignored = false;
        for (String rule : rules) {
            boolean negated = rule.startsWith("!");
            String pattern = (negated ? rule.substring(1) : rule).replaceAll("/$", "");
            boolean matches = pattern.equals("*") ? true : path.equals(pattern) || path.startsWith(pattern + "/");
            if (matches) {
                ignored = !negated;
            }
        }
        return ignored;
    }

    @Test
    void everyImageIsPinned() throws IOException {
        List<String> images = new ArrayList<>();
        compose().path("services").forEach(s -> {
            if (s.has("image") && !s.has("build")) {
                images.add(s.get("image").asText());
            }
        });
        Dockerfile.read().instructions().stream().filter(i -> i.keyword().equals("FROM"))
                .forEach(i -> images.add(i.args().split(" ")[0]));
        for (String image : images) {
            assertTrue(image.matches("[a-z0-9./-]+:[A-Za-z0-9._-]+") && !image.endsWith(":latest"), "not pinned: " + image);
        }
    }

    @Test
    void brokerIsASingleKraftNodeOfStreamlearnsKafkaVersion() throws IOException {
        JsonNode kafka = service(BROKER);
        assertEquals("apache/kafka:" + kafkaClientsVersion(), kafka.path("image").asText(),
                "the official image of the Kafka version streamlearn is built with");
        Map<String, String> env = environment(kafka);
        assertEquals(List.of("broker", "controller"), List.of(env.get("KAFKA_PROCESS_ROLES").split(",")).stream().sorted().toList());
        String voters = env.get("KAFKA_CONTROLLER_QUORUM_VOTERS");
        assertTrue(voters.matches("1@" + BROKER + ":\\d+"), "one voter, this node: " + voters);
        assertEquals(env.get("KAFKA_NODE_ID"), "1");
        assertNotNull(env.get("CLUSTER_ID"), "the storage is formatted with a fixed cluster id");
        // exactly-once needs the transaction log, which needs this many replicas to exist
        for (String key : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
            assertEquals("1", env.get(key), key);
        }
        assertTrue(kafka.path("healthcheck").path("test").isArray(), "the learner waits for a healthy broker");
    }

    @Test
    void learnerAndFeedReachTheBrokerAtAListenerItAdvertises() throws IOException {
        Map<String, String> broker = environment(service(BROKER));
        Map<String, Integer> listenerPorts = new HashMap<>();
        for (String l : broker.get("KAFKA_LISTENERS").split(",")) {
            Matcher m = Pattern.compile("(\\w+)://[^:]*:(\\d+)").matcher(l.strip());
            assertTrue(m.matches(), l);
            listenerPorts.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        Map<String, String> advertised = new HashMap<>();
        for (String l : broker.get("KAFKA_ADVERTISED_LISTENERS").split(",")) {
            String[] parts = l.strip().split("://");
            advertised.put(parts[1], parts[0]);
        }
        for (String client : List.of(LEARNER, FEED)) {
            String servers = environment(service(client)).get("STREAMLEARN_BOOTSTRAP_SERVERS");
            assertNotNull(servers, client + " sets STREAMLEARN_BOOTSTRAP_SERVERS");
            String listener = advertised.get(servers);
            assertNotNull(listener, client + ": " + servers + " is not an advertised listener " + advertised);
            assertTrue(servers.startsWith(BROKER + ":"), client + " reaches the broker by its service name: " + servers);
            assertEquals(listenerPorts.get(listener), Integer.valueOf(servers.split(":")[1]), "the broker listens where it advertises");
        }
        assertEquals("service_healthy", service(LEARNER).path("depends_on").path(BROKER).path("condition").asText());
        assertEquals("service_healthy", service(FEED).path("depends_on").path(LEARNER).path("condition").asText(),
                "the feed starts once the learner runs (and has created the topics)");
    }

    @Test
    void learnerIsThisRepositorysImageServingItsDefaultCommand() throws IOException {
        JsonNode learner = service(LEARNER);
        Dockerfile d = Dockerfile.read();
        ParseResult run = defaultCommand(d);
        String build = learner.path("build").isTextual() ? learner.path("build").asText() : learner.path("build").path("context").asText();
        assertEquals(".", build, "built from the top-level Dockerfile");
        assertTrue(learner.path("command").isMissingNode() && learner.path("entrypoint").isMissingNode(),
                "the learner runs the image's default command");
        int port = httpPort(run);
        assertTrue(strings(learner.path("ports")).contains(port + ":" + port), "port " + port + " published");
        // the mounted configuration replaces the baked one and is accepted
        String configPath = run.matchedOptionValue("--config", null).toString();
        Path mounted = bindMountOf(learner, configPath).orElseThrow(() -> new AssertionError("no config mounted at " + configPath));
        ConfigLoader.load(mounted, run.matchedOptionValue("--set", Map.of()));
        String volume = d.last("VOLUME", d.lastStage()).orElseThrow().execForm().get(0);
        assertTrue(strings(learner.path("volumes")).stream().anyMatch(v -> v.matches("[\\w-]+:" + Pattern.quote(volume))),
                "a named volume keeps the state at " + volume);
    }

    @Test
    void feedProducesToAModelTheLearnerDeclares() throws IOException {
        JsonNode feed = service(FEED);
        JsonNode learner = service(LEARNER);
        assertEquals(learner.path("image").asText(), feed.path("image").asText(), "the feed runs the same image");
        assertTrue(feed.path("healthcheck").path("disable").asBoolean(), "the feed serves no /health");
        String script = String.join("\n", strings(feed.path("command")));
        Matcher line = Pattern.compile("java -jar /app/streamlearn.jar (produce [^|\\n]*?)\\s*(\\|\\||\\n|$)").matcher(script);
        assertTrue(line.find(), "the feed runs produce: " + script);
        // Compose turns $$ into $; the shell then expands the round number
        List<String> args = shellWords(line.group(1).replace("$$round", "1"));
        ParseResult produce = Main.newCommandLine().parseArgs(args.toArray(String[]::new)).subcommand();
        assertEquals("produce", produce.commandSpec().name());
        assertTrue(Generators.NAMES.contains(produce.matchedOptionValue("--generator", "")), args.toString());
        assertTrue(produce.<Double>matchedOptionValue("--rate", 0.0) > 0, "a steady feed, not a burst");
        assertTrue(produce.<Double>matchedOptionValue("--holdout", 0.0) > 0, "events to score, too");
        String configPath = environment(feed).get("STREAMLEARN_CONFIG");
        Path mounted = bindMountOf(feed, configPath).orElseThrow(() -> new AssertionError("no config mounted at " + configPath));
        String model = produce.matchedOptionValue("--model", null);
        StreamlearnConfig config = ConfigLoader.load(mounted, Map.of());
        assertTrue(config.models().containsKey(model), model + " is not declared in " + mounted);
        Path learnerConfig = bindMountOf(learner, defaultCommand(Dockerfile.read()).matchedOptionValue("--config", null).toString())
                .orElseThrow();
        assertEquals(learnerConfig, mounted, "the feed and the learner share one configuration");
    }

    @Test
    void prometheusScrapesTheLearnersMetrics() throws IOException {
        JsonNode prometheus = service(PROMETHEUS);
        assertTrue(prometheus.path("image").asText().startsWith("prom/prometheus:"));
        Path config = bindMountOf(prometheus, "/etc/prometheus/prometheus.yml")
                .orElseThrow(() -> new AssertionError("no prometheus.yml mounted"));
        JsonNode scrape = Manifests.YAML.readTree(config.toFile()).path("scrape_configs");
        int port = httpPort(defaultCommand(Dockerfile.read()));
        boolean found = false;
        for (JsonNode job : scrape) {
            String path = job.path("metrics_path").asText("/metrics");
            for (JsonNode sc : job.path("static_configs")) {
                if (strings(sc.path("targets")).contains(LEARNER + ":" + port) && path.equals("/metrics")) {
                    found = true;
                }
            }
        }
        assertTrue(found, config + " scrapes " + LEARNER + ":" + port + "/metrics");
    }

    @Test
    void everyBindMountIsAFileOfTheRepository() throws IOException {
        compose().path("services").fields().forEachRemaining(e -> {
            for (String v : strings(e.getValue().path("volumes"))) {
                if (v.startsWith(".")) {
                    String source = v.split(":")[0];
                    assertTrue(Files.exists(Path.of(source)), e.getKey() + " mounts " + source + ", which does not exist");
                }
            }
        });
    }

    /** The version of the Kafka clients streamlearn is built with (pom.xml's kafka.version), as the clients jar states it. */
    private static String kafkaClientsVersion() throws IOException {
        Properties p = new Properties();
        try (var in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            assertNotNull(in, "kafka-clients states its version");
            p.load(in);
        }
        return p.getProperty("version");
    }

    private static Optional<Path> bindMountOf(JsonNode service, String target) {
        for (String v : strings(service.path("volumes"))) {
            String[] parts = v.split(":");
            if (parts.length >= 2 && parts[1].equals(target) && parts[0].startsWith(".")) {
                return Optional.of(Path.of(parts[0]).normalize());
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.path("environment");
        if (e.isObject()) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        } else {
            for (String kv : strings(e)) {
                String[] parts = kv.split("=", 2);
                env.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        return env;
    }

    private static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Splits a shell command line into words: blanks separate, double or single quotes group. */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return words;
    }
}
