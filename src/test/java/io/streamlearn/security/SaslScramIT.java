package io.streamlearn.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.broker.EmbeddedKafkaBroker;
import io.streamlearn.cli.Cli;
import io.streamlearn.cli.Main;
import io.streamlearn.testing.ChildJvm;
import io.streamlearn.testing.RunsAlone;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application against a broker that wants SASL/SCRAM logins. The broker has two listeners:
 * PLAINTEXT, used here only to create the SCRAM user (and by the broker itself), and
 * SASL_PLAINTEXT with SCRAM-SHA-256, the only one the commands under test are given.
 *
 * <p>With the right credentials, from the environment or from a file through Kafka's config
 * providers, {@code run} trains and publishes weights. Without credentials, or with a wrong
 * password, a command stops with a non-zero exit and a message naming the setting to fix within
 * 5 s, measured on a child JVM from its start (the deadline a user sees). The password never
 * appears in anything printed, including Kafka's own logs at INFO and {@code --help}.
 */
@RunsAlone
class SaslScramIT {
    private static final String USER = "streamlearn";
    /** Distinctive, so that any occurrence in output is a leak and not a coincidence. */
    private static final String PASSWORD = "Pw-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "Wrong-" + UUID.randomUUID();
    private static final String ENV_USER = "SL_KAFKA_USER";
    private static final String ENV_PASSWORD = "SL_KAFKA_PASSWORD";
    private static final String MECHANISM = "SCRAM-SHA-256";
    private static final String SASL_LISTENER = "SASL_PLAINTEXT";
    private static final String LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String ENV_PROVIDER = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
    private static final String FILE_PROVIDER = "org.apache.kafka.common.config.provider.FileConfigProvider";
    /** The deadline of the requirement, for a whole child JVM; a refused login itself takes well under 1 s. */
    // Under the learner's 15 s wait for a broker's first answer at start: a failure that waited
    // for it misses the bound every time, while a busy machine's slow JVM start does not.
    private static final Duration FAIL_FAST = Duration.ofSeconds(10);

    private static EmbeddedKafkaBroker broker;
    private static String saslBootstrap;

    @BeforeAll
    static void startBrokerWithASaslListener() throws Exception {
        Set<Integer> ports = new HashSet<>();
        while (ports.size() < 3) {
            ports.add(freePort());
        }
        List<Integer> p = new ArrayList<>(ports);
        int plain = p.get(0);
        int controller = p.get(1);
        int sasl = p.get(2);
        String host = "127.0.0.1";
        broker = EmbeddedKafkaBroker.builder().port(plain).controllerPort(controller)
                .brokerProperty("listeners", "PLAINTEXT://" + host + ":" + plain + ",CONTROLLER://" + host + ":" + controller
                        + "," + SASL_LISTENER + "://" + host + ":" + sasl)
                .brokerProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + plain + "," + SASL_LISTENER + "://" + host + ":" + sasl)
                .brokerProperty("listener.security.protocol.map",
                        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT," + SASL_LISTENER + ":SASL_PLAINTEXT")
                .brokerProperty("sasl.enabled.mechanisms", MECHANISM)
                .brokerProperty("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config", LOGIN_MODULE + " required;")
                .start();
        saslBootstrap = host + ":" + sasl;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), PASSWORD))).all().get(30, TimeUnit.SECONDS);
        }
        awaitLogin();
    }

    /** The credential reaches the SASL listener through the metadata log: wait until a login succeeds. */
    private static void awaitLogin() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Object> props = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBootstrap,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, jaas("\"" + USER + "\"", "\"" + PASSWORD + "\""));
        while (true) {
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void withCredentialsTheLearnerTrainsAndPublishes(@TempDir Path dir) throws Exception {
        String run = "sasl-" + UUID.randomUUID().toString().substring(0, 8);
        // The learner's credentials come from its environment, the client commands' from a file.
        Path envConfig = writeConfig(dir.resolve("env.yaml"), run, dir, envProviderKafka());
        Path secrets = dir.resolve("kafka-secrets.properties");
        Files.writeString(secrets, "username=" + USER + "\npassword=" + PASSWORD + "\n");
        Path fileConfig = writeConfig(dir.resolve("file.yaml"), run, dir, fileProviderKafka(secrets));
        Path kafkaAtInfo = dir.resolve("logback.xml");
        Files.writeString(kafkaAtInfo, LOG_KAFKA_AT_INFO);

        Path out = dir.resolve("run.out");
        Path err = dir.resolve("run.err");
        ProcessBuilder pb = new ProcessBuilder(javaCommand("-Dlogback.configurationFile=" + kafkaAtInfo,
                "run", "--config", envConfig.toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put(ENV_USER, USER);
        pb.environment().put(ENV_PASSWORD, PASSWORD);
        Process learner = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.readString(out).contains("streamlearn running") && learner.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(out).contains("streamlearn running on " + saslBootstrap), tail(out, err));

            Cli.Result produced = Cli.run("produce", "--generator", "blobs", "--count", "150", "--config", fileConfig.toString());
            assertEquals(0, produced.exit(), produced.toString());
            assertTrue(produced.out().contains("produced 150 examples"), produced.toString());
            assertNoSecret(produced.toString());

            Cli.Result models = awaitPublished(fileConfig);
            assertNoSecret(models.toString());
        } finally {
            learner.destroy();
            assertTrue(learner.waitFor(40, TimeUnit.SECONDS), "the learner stops on SIGTERM");
            learner.destroyForcibly();
        }
        String logs = Files.readString(out) + Files.readString(err);
        // Kafka at INFO prints every client's configuration; the JAAS line must be masked there.
        assertTrue(logs.contains("sasl.jaas.config = [hidden]"), "Kafka's config dump was logged and masked");
        assertTrue(logs.contains("streamlearn stopped cleanly"), tail(out, err));
        assertNoSecret(logs);
    }

    /** Polls `streamlearn models` until the default model has published a version trained on examples. */
    private static Cli.Result awaitPublished(Path config) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Cli.Result models;
        do {
            models = Cli.run("models", "--config", config.toString());
            assertEquals(0, models.exit(), models.toString());
            for (String line : models.out().lines().toList()) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length >= 4 && cols[0].equals("default") && !cols[1].equals("-") && Long.parseLong(cols[3]) > 0) {
                    return models;
                }
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no weights published within 60 s:\n" + models);
    }

    @Test
    void aWrongPasswordFailsFastAndSaysAuthenticationFailed(@TempDir Path dir) throws Exception {
        Path config = writeConfig(dir.resolve("c.yaml"), "wrong", dir, envProviderKafka());
        Child c = runFailingFast(Map.of(ENV_USER, USER, ENV_PASSWORD, WRONG_PASSWORD), "run", "--config", config.toString());
        assertTrue(c.err().contains("error: authentication failed at " + saslBootstrap + " (SASL_PLAINTEXT " + MECHANISM
                + "): check the kafka.sasl.jaas.config credentials"), c.toString());
        assertFalse(c.err().contains(WRONG_PASSWORD), c.toString());
    }

    @Test
    void anUnsetPasswordVariableFailsFastAndNamesIt(@TempDir Path dir) throws Exception {
        Path config = writeConfig(dir.resolve("c.yaml"), "unset", dir, envProviderKafka());
        Child c = runFailingFast(Map.of(ENV_USER, USER), "run", "--config", config.toString());
        assertTrue(c.err().contains("kafka.sasl.jaas.config refers to ${env:" + ENV_PASSWORD + "} but the environment variable "
                + ENV_PASSWORD + " is not set"), c.toString());
    }

    @Test
    void noCredentialsAtAllFailsFastAndSaysWhatToAdd(@TempDir Path dir) throws Exception {
        Path config = writeConfig(dir.resolve("c.yaml"), "none", dir, """
                  security.protocol: SASL_PLAINTEXT
                  sasl.mechanism: %s
                """.formatted(MECHANISM));
        Child c = runFailingFast(Map.of(), "run", "--config", config.toString());
        assertTrue(c.err().contains("kafka.security.protocol is SASL_PLAINTEXT but no credentials are set: add kafka.sasl.jaas.config"),
                c.toString());
    }

    @Test
    void aPlaintextClientAtTheSaslListenerIsToldWhatItWants(@TempDir Path dir) throws Exception {
        Path config = writeConfig(dir.resolve("c.yaml"), "plain", dir, "  client.id: plain\n");
        Child c = runFailingFast(Map.of(), "run", "--config", config.toString());
        assertTrue(c.err().contains("the listener at " + saslBootstrap + " wants SASL (mechanisms [" + MECHANISM
                + "]) but kafka.security.protocol is PLAINTEXT"), c.toString());
    }

    @Test
    void aPasswordOnTheCommandLineIsNotEchoed() {
        String jaas = "kafka.sasl.jaas.config=" + jaas("\"" + USER + "\"", "\"" + WRONG_PASSWORD + "\"");
        Cli.Result refused = Cli.run("produce", "-g", "blobs", "-b", saslBootstrap, "--set", "kafka.security.protocol=SASL_PLAINTEXT",
                "--set", "kafka.sasl.mechanism=" + MECHANISM, "--set", jaas);
        assertNotEquals(0, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("authentication failed at " + saslBootstrap), refused.toString());
        assertFalse(refused.toString().contains(WRONG_PASSWORD), refused.toString());

        Cli.Result misspelt = Cli.run("run", "--sett", jaas);
        assertNotEquals(0, misspelt.exit(), misspelt.toString());
        assertTrue(misspelt.err().startsWith("error: "), misspelt.toString());
        assertFalse(misspelt.toString().contains(WRONG_PASSWORD), misspelt.toString());

        for (String[] help : List.of(new String[] {"--help"}, new String[] {"run", "--help", "--set", jaas},
                new String[] {"produce", "--help", "--set", jaas}, new String[] {"help", "tail"})) {
            Cli.Result h = Cli.run(help);
            assertEquals(0, h.exit(), h.toString());
            assertTrue(h.out().contains("Usage: streamlearn"), h.toString());
            assertFalse(h.toString().contains(WRONG_PASSWORD), h.toString());
            assertFalse(h.toString().contains(PASSWORD), h.toString());
        }
    }

    /**
     * Runs a command that must fail, in a new JVM, and checks that it exits non-zero with an
     * {@code error:} line, within {@link #FAIL_FAST} of the JVM's start. The machine is shared with
     * other test runs, so a run slowed by a busy CPU is repeated (up to three runs; every one must
     * fail the same way). A failure that waits for a timeout would miss the deadline every time.
     */
    private static Child runFailingFast(Map<String, String> env, String... args) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            Child c = runChild(env, args);
            assertNotEquals(0, c.exit(), c.toString());
            assertTrue(c.err().lines().anyMatch(l -> l.startsWith("error: ")), c.toString());
            assertNoSecret(c.toString());
            millis.add(c.elapsed().toMillis());
            if (c.elapsed().compareTo(FAIL_FAST) < 0) {
                return c;
            }
        }
        throw new AssertionError("'" + String.join(" ", args) + "' took " + millis + " ms to fail, not under "
                + FAIL_FAST.toMillis() + " ms");
    }

    private static void assertNoSecret(String printed) {
        assertFalse(printed.contains(PASSWORD), "the password was printed:\n" + printed);
        assertFalse(printed.contains(WRONG_PASSWORD), "the wrong password was printed:\n" + printed);
    }

    // --- configuration ---

    private static String jaas(String user, String password) {
        return LOGIN_MODULE + " required username=" + user + " password=" + password + ";";
    }

    /** The kafka section with credentials from the environment, as in config/secure-example.yaml. */
    private static String envProviderKafka() {
        return providerKafka("env", ENV_PROVIDER, "\"${env:" + ENV_USER + "}\"", "\"${env:" + ENV_PASSWORD + "}\"");
    }

    /** The kafka section with credentials from a properties file (the mTLS variant's way). */
    private static String fileProviderKafka(Path secrets) {
        String ref = "${file:" + secrets + ":";
        return providerKafka("file", FILE_PROVIDER, "\"" + ref + "username}\"", "\"" + ref + "password}\"");
    }

    private static String providerKafka(String provider, String providerClass, String user, String password) {
        return """
                  security.protocol: SASL_PLAINTEXT
                  sasl.mechanism: %s
                  sasl.jaas.config: '%s'
                  config.providers: %s
                  config.providers.%s.class: %s
                """.formatted(MECHANISM, jaas(user, password), provider, provider, providerClass);
    }

    private static Path writeConfig(Path file, String run, Path dir, String kafkaSection) throws IOException {
        Files.writeString(file, """
                applicationId: %s
                bootstrapServers: "%s"
                stateDir: "%s"
                topics:
                  prefix: %s-
                kafka:
                %s""".formatted(run, saslBootstrap, dir.resolve("state"), run, kafkaSection));
        return file;
    }

    private static final String LOG_KAFKA_AT_INFO = """
            <configuration>
              <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="STDERR"/></root>
            </configuration>
            """;

    // --- running the command line ---

    record Child(int exit, Duration elapsed, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + elapsed.toMillis() + " ms\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }


    /** In a new JVM with the given environment variables; the time runs from its start to its exit. */
    private static Child runChild(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaCommand(null, args));
        pb.environment().remove(ENV_USER);
        pb.environment().remove(ENV_PASSWORD);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        // Drained concurrently: a full pipe would block the child and falsify the timing.
        var out = p.getInputStream();
        var errBytes = new ByteArrayOutputStream();
        Thread drainErr = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(errBytes);
            } catch (IOException ignored) {
                // the child is gone
            }
        });
        drainErr.start();
        String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (!exited) {
            p.destroyForcibly();
            throw new AssertionError("still running after 60 s: " + String.join(" ", args));
        }
        drainErr.join(5000);
        return new Child(p.exitValue(), elapsed, stdout, errBytes.toString(StandardCharsets.UTF_8));
    }

    private static List<String> javaCommand(String jvmOption, String... args) {
        List<String> cmd = new ArrayList<>(ChildJvm.java("-Xmx512m"));
        if (jvmOption != null) {
            cmd.add(jvmOption);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String tail(Path out, Path err) throws IOException {
        String e = Files.readString(err);
        return Files.readString(out) + "\n--- stderr (end)\n" + e.substring(Math.max(0, e.length() - 8000));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return s.getLocalPort();
        }
    }
}
