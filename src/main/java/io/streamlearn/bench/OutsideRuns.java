package io.streamlearn.bench;

import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.config.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The learner and the pass-through as separate JVM processes, each timed from the moment it is
 * launched until the offsets its group committed reach the end of its input, as an operator
 * would see them: JVM start, class loading, topic checks and Kafka Streams' start all count. The
 * same launcher, JVM and flags for both; the learner runs as {@code streamlearn run}, the
 * pass-through as {@link PassThroughApp}. Each process's output goes to a log file beside its
 * state, for reading where its start-up time went.
 */
final class OutsideRuns implements AutoCloseable {
    /** When a process first committed, when it had committed everything, both in seconds from its launch. */
    record Timing(double firstCommit, double done, long committedAtFirst) {
        double fromStart(long records) {
            return records / done;
        }

        double afterFirstCommit(long records) {
            return (records - committedAtFirst) / (done - firstCommit);
        }
    }

    private final String bootstrap;
    private final Path work;
    private final Admin admin;
    private final List<String> java;

    OutsideRuns(String bootstrap, Path work) {
        this.bootstrap = bootstrap;
        this.work = work;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        this.admin = Admin.create(p);
        String javaBin = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.java = List.of(javaBin, "-cp", System.getProperty("java.class.path"));
    }

    /** The pass-through reading {@code input} with the same guarantee and commit interval as {@code like}. */
    Timing passThrough(StreamlearnConfig like, String input, String output) throws Exception {
        List<String> cmd = new ArrayList<>(java);
        cmd.addAll(List.of(PassThroughApp.class.getName(), "--bootstrap-servers", bootstrap,
                "--application-id", like.applicationId(), "--input", input, "--output", output,
                "--guarantee", like.guarantee().streamsValue(), "--commit-interval-ms", Long.toString(like.commitIntervalMs()),
                "--state-dir", like.stateDir()));
        return time(cmd, like.applicationId(), input);
    }

    /**
     * {@code streamlearn run} with {@code config} ({@code modelsYaml} declares its models), reading
     * {@code input}. Its topics are created first, as they exist when a learner restarts.
     */
    Timing learner(StreamlearnConfig config, String modelsYaml, String input) throws Exception {
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(30));
        Path file = work.resolve(config.applicationId() + ".yaml");
        Files.writeString(file, modelsYaml);
        List<String> cmd = new ArrayList<>(java);
        cmd.addAll(List.of("io.streamlearn.cli.Main", "run", "--config", file.toString()));
        for (Map.Entry<String, String> e : settings(config).entrySet()) {
            cmd.addAll(List.of("--set", e.getKey() + "=" + e.getValue()));
        }
        return time(cmd, config.applicationId(), input);
    }

    /** Everything but the models, as {@code --set} keys. */
    private static Map<String, String> settings(StreamlearnConfig c) {
        TopicNames t = c.topics();
        Map<String, String> s = new HashMap<>();
        s.put("applicationId", c.applicationId());
        s.put("bootstrapServers", c.bootstrapServers());
        s.put("topics.examples", t.examples());
        s.put("topics.events", t.events());
        s.put("topics.scoredEvents", t.scoredEvents());
        s.put("topics.weights", t.weights());
        s.put("topics.deadLetters", t.deadLetters());
        s.put("topics.requests", t.requests());
        s.put("topics.weightsHistory", t.weightsHistory());
        s.put("topics.partitions", Integer.toString(c.partitions()));
        s.put("formats.examples", c.formats().examples().name().toLowerCase(Locale.ROOT));
        s.put("formats.events", c.formats().events().name().toLowerCase(Locale.ROOT));
        s.put("formats.scoredEvents", c.formats().scoredEvents().name().toLowerCase(Locale.ROOT));
        s.put("processingGuarantee", c.guarantee().streamsValue());
        s.put("commitIntervalMs", Long.toString(c.commitIntervalMs()));
        s.put("stateDir", c.stateDir());
        s.put("maxFeatures", Integer.toString(c.maxFeatures()));
        return s;
    }

    private Timing time(List<String> command, String group, String input) throws Exception {
        long end = endOffset(input);
        Path log = work.resolve(group + ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            double first = -1;
            long atFirst = 0;
            long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                long committed = committed(group, input);
                double now = (System.nanoTime() - t0) / 1e9;
                if (committed > 0 && first < 0) {
                    first = now;
                    atFirst = committed;
                }
                if (committed >= end) {
                    return new Timing(first, now, atFirst);
                }
                if (!p.isAlive()) {
                    throw new IllegalStateException(group + " exited with " + p.exitValue() + " before it consumed " + input
                            + "; its output is in " + log);
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException(group + " did not consume " + input + " within 10 minutes; its output is in " + log);
        } finally {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private long committed(String group, String topic) throws Exception {
        long done = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e
                : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                done += e.getValue().offset();
            }
        }
        return done;
    }

    private long endOffset(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(pi -> q.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
        long end = 0;
        for (var e : admin.listOffsets(q).all().get().values()) {
            end += e.offset();
        }
        return end;
    }

    @Override
    public void close() throws IOException {
        admin.close(Duration.ofSeconds(5));
    }
}
