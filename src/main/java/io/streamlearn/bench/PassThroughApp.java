package io.streamlearn.bench;

import io.streamlearn.app.StreamsSettings;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The ceiling of any Kafka Streams application here: a topology that reads bytes, copies each
 * value and writes it, with the learner's Kafka Streams settings (the same guarantee, commit
 * interval and client settings, {@link StreamsSettings}). {@code bench} runs it inside its own
 * JVM and, to time it from process start as the learner is timed, as a process of its own:
 *
 * <pre>
 * java -cp target/streamlearn.jar io.streamlearn.bench.PassThroughApp --bootstrap-servers HOST:PORT \
 *     --application-id ID --input TOPIC --output TOPIC [--guarantee exactly_once_v2] [--commit-interval-ms 100] [--state-dir DIR]
 * </pre>
 *
 * It runs until stopped (SIGTERM closes it); the output topic must exist.
 */
public final class PassThroughApp {
    private PassThroughApp() {
    }

    /** Bytes in, the same bytes (a copy, as any processor that makes a new value) out. */
    static Topology topology(String input, String output) {
        Topology t = new Topology();
        t.addSource("pt-source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), input);
        t.addProcessor("pt-copy", () -> new Processor<byte[], byte[], byte[], byte[]>() {
            private ProcessorContext<byte[], byte[]> ctx;

            @Override
            public void init(ProcessorContext<byte[], byte[]> context) {
                ctx = context;
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                ctx.forward(record.withValue(Arrays.copyOf(record.value(), record.value().length)));
            }
        }, "pt-source");
        t.addSink("pt-sink", output, new ByteArraySerializer(), new ByteArraySerializer(), "pt-copy");
        return t;
    }

    public static void main(String[] argv) throws InterruptedException {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        Map<String, String> overrides = new HashMap<>(Map.of(
                "bootstrapServers", args.getOrDefault("bootstrap-servers", "localhost:9092"),
                "applicationId", args.getOrDefault("application-id", "pass-through"),
                "processingGuarantee", args.getOrDefault("guarantee", "exactly_once_v2"),
                "commitIntervalMs", args.getOrDefault("commit-interval-ms", "100")));
        if (args.containsKey("state-dir")) {
            overrides.put("stateDir", args.get("state-dir"));
        }
        StreamlearnConfig config = ConfigLoader.fromYaml("{}", overrides);
        KafkaStreams streams = new KafkaStreams(topology(required(args, "input"), required(args, "output")),
                StreamsSettings.from(config));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(10));
            stopped.countDown();
        }, "pass-through-stop"));
        streams.start();
        stopped.await();
    }

    private static String required(Map<String, String> args, String name) {
        String v = args.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }
}
