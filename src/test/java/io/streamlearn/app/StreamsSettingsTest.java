package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams settings as Kafka Streams itself resolves them for each of its clients. */
class StreamsSettingsTest {
    private static StreamlearnConfig config(String kafka) {
        return ConfigLoader.fromYaml("""
                applicationId: s
                %s
                models:
                  - id: default
                    inputSize: 2
                """.formatted(kafka), Map.of());
    }

    @Test
    void theStoresRestoredAtStartDoNotWaitHalfASecondOnTheirLastFetch() {
        StreamsConfig streams = new StreamsConfig(StreamsSettings.from(config("")));
        assertEquals(50, fetchMaxWait(streams.getGlobalConsumerConfigs("c")));
        assertEquals(50, fetchMaxWait(streams.getRestoreConsumerConfigs("c")));
        // The main consumer keeps Kafka's default: its fetches return as soon as records come.
        assertEquals(500, fetchMaxWait(streams.getMainConsumerConfigs("g", "c", 0)));
    }

    @Test
    void aRestoredStoreIsNoticedWithinThirtyMilliseconds() {
        assertEquals(30L, new StreamsConfig(StreamsSettings.from(config(""))).getLong(StreamsConfig.POLL_MS_CONFIG));
        assertEquals(100L, new StreamsConfig(StreamsSettings.from(config("kafka: {poll.ms: 100}")))
                .getLong(StreamsConfig.POLL_MS_CONFIG));
    }

    @Test
    void aUsersOwnSettingWins() {
        StreamsConfig streams = new StreamsConfig(StreamsSettings.from(config("kafka: {global.consumer.fetch.max.wait.ms: 200}")));
        assertEquals(200, fetchMaxWait(streams.getGlobalConsumerConfigs("c")));
    }

    private static int fetchMaxWait(Map<String, Object> consumer) {
        Map<String, Object> withDeserializers = new java.util.HashMap<>(consumer);
        withDeserializers.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        withDeserializers.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new ConsumerConfig(withDeserializers).getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
    }
}
