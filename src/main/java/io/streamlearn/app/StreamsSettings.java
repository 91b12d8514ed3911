package io.streamlearn.app;

import io.streamlearn.config.StreamlearnConfig;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties derived from the configuration. */
public final class StreamsSettings {
    private StreamsSettings() {
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
        // A crashed instance's tasks move after the session timeout: 10 s instead of Kafka's 45 s.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "10000");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "2000");
        // Scoring reads weights on the global thread: a bad snapshot must not kill it either.
        p.put("processing.exception.handler.global.enabled", "true");
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
}
