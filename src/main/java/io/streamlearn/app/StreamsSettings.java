package io.streamlearn.app;

import io.streamlearn.config.FailoverConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.topology.TopologyListener;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties derived from the configuration. */
public final class StreamsSettings {
    private StreamsSettings() {
    }

    /** The properties of the running learner: those of {@link #from(StreamlearnConfig)}, and refused records reported to {@code listener}. */
    public static Properties from(StreamlearnConfig config, TopologyListener listener) {
        Properties p = from(config);
        p.put(UnwritableRecords.LISTENER, listener);
        return p;
    }

    public static Properties from(StreamlearnConfig config) {
        Properties p = new Properties();
        // Defaults first: anything in the configuration's kafka section overrides them.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5");
        // Under exactly-once the next transaction's first send often finds the coordinator still
        // writing the last one's markers (CONCURRENT_TRANSACTIONS) and waits a retry backoff: 100 ms
        // by default, which was the whole tail of the commit latency (max 115 ms -> 35 ms here,
        // BENCHMARKS.md). The backoff still grows exponentially to retry.backoff.max.ms.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), "10");
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        // The global stores (weights, catalogue) are restored one after the other before any
        // stream thread starts, and a restore's last fetch waits fetch.max.wait.ms for records
        // that are not coming: 500 ms of every start (BENCHMARKS.md "Start-up"). A fetch that
        // finds records returns at once whatever the setting, so this costs only idle fetches.
        p.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "50");
        p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "50");
        // poll.ms bounds each wait of the stream thread, the state updater and the global thread for
        // input. At start the state updater restores even an empty changelog in one such wait, and the
        // stream thread notices a restored task only at the end of its own: 100 ms each by default,
        // which a stateless application (a pass-through) does not pay. 30 ms took about 0.1 s off a
        // start; an idle learner pays for it in wake-ups, about 25 ms more CPU a second (10 ms: 75).
        // A poll that finds records returns at once, so a busy learner pays nothing (BENCHMARKS.md).
        p.put(StreamsConfig.POLL_MS_CONFIG, "30");
        // A killed instance's tasks move after the session timeout (Kafka's default is 45 s).
        FailoverConfig failover = config.failover();
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), Long.toString(failover.sessionTimeoutMs()));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), Long.toString(failover.heartbeatIntervalMs()));
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.toString(failover.standbyReplicas()));
        if (failover.instanceId() != null) {
            // Kafka Streams adds each stream thread's index to it.
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), failover.instanceId());
        }
        // Scoring reads weights on the global thread: a bad snapshot must not kill it either.
        p.put("processing.exception.handler.global.enabled", "true");
        // Setting the new name while a user set the deprecated one would silently replace theirs.
        if (!config.kafka().containsKey(StreamsConfig.DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG)) {
            p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, UnwritableRecords.class.getName());
        }
        var t = config.topics();
        p.put(UnwritableRecords.TOPIC_KINDS, Map.of(t.scoredEvents(), "scored-events", t.deadLetters(), "dead-letters",
                t.weights(), "weights"));
        p.putAll(KafkaProperties.common(config));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.guarantee().streamsValue());
        if (config.commitIntervalMs() >= 0) {
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(config.commitIntervalMs()));
        }
        if (config.stateDir() != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        }
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(config.replicationFactor()));
        // A checkpoint larger than the producer's limit would fail every commit, at every restart.
        p.putAll(KafkaProperties.modelProducerLimits(config, StreamsConfig.PRODUCER_PREFIX));
        return p;
    }

    /**
     * The largest record Kafka Streams' producer accepts, from {@code max.request.size} and
     * {@code buffer.memory} as Kafka Streams resolves them (a {@code producer.} prefixed setting
     * wins over a plain one, Kafka's default applies when neither is set).
     */
    public static long largestProducerRecord(StreamlearnConfig config) {
        Map<String, Object> producer = new QuietStreamsConfig(from(config)).getProducerConfigs("record-limits");
        Map<String, Object> defaults = ProducerConfig.configDef().defaultValues();
        int maxRequest = (Integer) ConfigDef.parseType(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                producer.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, defaults.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)),
                ConfigDef.Type.INT);
        long buffer = (Long) ConfigDef.parseType(ProducerConfig.BUFFER_MEMORY_CONFIG,
                producer.getOrDefault(ProducerConfig.BUFFER_MEMORY_CONFIG, defaults.get(ProducerConfig.BUFFER_MEMORY_CONFIG)),
                ConfigDef.Type.LONG);
        return Math.min(maxRequest, buffer);
    }

    /** A StreamsConfig that does not log all its values (the learner's own one does, once). */
    private static final class QuietStreamsConfig extends StreamsConfig {
        QuietStreamsConfig(Map<?, ?> props) {
            super(props, false);
        }
    }
}
