package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.metrics.LearnerMetrics;
import io.streamlearn.snapshot.ModelRecordSizes;
import io.streamlearn.topology.TopologyListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/**
 * A record Kafka refuses is counted, and skipped only when that loses nothing but its own output
 * and the transaction can still commit: a scored event or dead letter, under at_least_once.
 */
class UnwritableRecordsTest {

    private static final ErrorHandlerContext SOURCE = new ErrorHandlerContext() {
        public String topic() {
            return "p-events";
        }

        public int partition() {
            return 0;
        }

        public long offset() {
            return 41;
        }

        public Headers headers() {
            return new RecordHeaders();
        }

        public String processorNodeId() {
            return "score";
        }

        public TaskId taskId() {
            return new TaskId(1, 0);
        }

        public long timestamp() {
            return 0;
        }

        public byte[] sourceRawKey() {
            return null;
        }

        public byte[] sourceRawValue() {
            return null;
        }
    };

    private record Told(String kind, boolean skipped) {
    }

    private static StreamlearnConfig config(String guarantee) {
        return ConfigLoader.fromYaml("""
                applicationId: u
                processingGuarantee: %s
                topics: {prefix: "p-"}
                models:
                  - id: default
                    inputSize: 2
                """.formatted(guarantee), Map.of());
    }

    /** The handler as Kafka Streams makes it: from the class name in the learner's properties, configured with them. */
    private static ProductionExceptionHandler handler(StreamlearnConfig config, List<Told> told) throws Exception {
        return handler(config, new TopologyListener() {
            @Override
            public void unwritable(String topicKind, boolean skipped) {
                told.add(new Told(topicKind, skipped));
            }
        });
    }

    private static ProductionExceptionHandler handler(StreamlearnConfig config, TopologyListener listener) throws Exception {
        var props = StreamsSettings.from(config, listener);
        Object name = props.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG);
        ProductionExceptionHandler h = (ProductionExceptionHandler) Class.forName((String) name)
                .getDeclaredConstructor().newInstance();
        Map<String, Object> configs = new HashMap<>();
        props.forEach((k, v) -> configs.put((String) k, v));
        h.configure(configs);
        return h;
    }

    private static Result handle(ProductionExceptionHandler h, String topic, Exception e) {
        return h.handleError(SOURCE, new ProducerRecord<>(topic, new byte[10], new byte[2_000_000]), e).result();
    }

    @Test
    void atLeastOnceSkipsATooLargeScoredEventOrDeadLetterAndCountsIt() throws Exception {
        StreamlearnConfig config = config("at_least_once");
        List<Told> told = new ArrayList<>();
        ProductionExceptionHandler h = handler(config, told);
        RecordTooLargeException tooLarge = new RecordTooLargeException("The message is 2000359 bytes");
        assertEquals(Result.RESUME, handle(h, config.topics().scoredEvents(), tooLarge));
        assertEquals(Result.RESUME, handle(h, config.topics().deadLetters(), tooLarge));
        assertEquals(Result.RESUME, handle(h, config.topics().deadLetters(),
                new org.apache.kafka.common.InvalidRecordException("compacted topic needs a key")));
        assertEquals(List.of(new Told("scored-events", true), new Told("dead-letters", true), new Told("dead-letters", true)),
                told);
    }

    @Test
    void stateRecordsAreNeverSkipped() throws Exception {
        StreamlearnConfig config = config("at_least_once");
        List<Told> told = new ArrayList<>();
        ProductionExceptionHandler h = handler(config, told);
        RecordTooLargeException tooLarge = new RecordTooLargeException("too large");
        assertEquals(Result.FAIL, handle(h, config.topics().weights(), tooLarge));
        assertEquals(Result.FAIL, handle(h, "u-model-state-store-changelog", tooLarge));
        assertEquals(Result.FAIL, handle(h, "u-examples-by-model", tooLarge));
        assertEquals(List.of(new Told("weights", false), new Told("changelog", false), new Told("repartition", false)), told);
    }

    @Test
    void exactlyOnceStopsOnARefusedRecordBecauseTheTransactionCannotCommit() throws Exception {
        StreamlearnConfig config = config("exactly_once_v2");
        List<Told> told = new ArrayList<>();
        ProductionExceptionHandler h = handler(config, told);
        assertEquals(Result.FAIL, handle(h, config.topics().deadLetters(), new RecordTooLargeException("too large")));
        assertEquals(List.of(new Told("dead-letters", false)), told);
    }

    @Test
    void brokerTroubleIsRetriedAndAnyOtherErrorStops() throws Exception {
        StreamlearnConfig config = config("at_least_once");
        List<Told> told = new ArrayList<>();
        ProductionExceptionHandler h = handler(config, told);
        assertEquals(Result.RETRY, handle(h, config.topics().scoredEvents(), new NotEnoughReplicasException("1 of 3")));
        assertEquals(List.of(), told, "a retry is not a refused record");
        assertEquals(Result.FAIL, handle(h, config.topics().scoredEvents(), new TopicAuthorizationException("no")));
        assertEquals(List.of(new Told("scored-events", false)), told);
    }

    @Test
    void eachRefusalIsCountedByTopicKindAndOutcome() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LearnerMetrics metrics = new LearnerMetrics();
        metrics.bindTo(meters);
        StreamlearnConfig config = config("at_least_once");
        ProductionExceptionHandler h = handler(config, metrics);
        handle(h, config.topics().deadLetters(), new RecordTooLargeException("too large"));
        handle(h, config.topics().deadLetters(), new RecordTooLargeException("too large"));
        handle(h, config.topics().weights(), new RecordTooLargeException("too large"));
        assertEquals(2.0, meters.get("streamlearn.records.unwritable").tags("topic", "dead-letters", "outcome", "skipped")
                .counter().count());
        assertEquals(1.0, meters.get("streamlearn.records.unwritable").tags("topic", "weights", "outcome", "stopped")
                .counter().count());
    }

    @Test
    void theLearnersPropertiesNameThisHandlerUnlessTheUserChoseOne() {
        StreamlearnConfig config = config("exactly_once_v2");
        assertEquals(UnwritableRecords.class.getName(),
                StreamsSettings.from(config).get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG));
        StreamlearnConfig own = ConfigLoader.fromYaml("""
                applicationId: u
                kafka: {production.exception.handler: com.example.Mine}
                models:
                  - id: default
                    inputSize: 2
                """, Map.of());
        assertEquals("com.example.Mine", StreamsSettings.from(own).get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertInstanceOf(UnwritableRecords.class, new StreamsConfig(StreamsSettings.from(config)).productionExceptionHandler());
    }

    @Test
    void theProducerLimitIsKafkaStreamsOwnResolution() {
        assertEquals(1_048_576, StreamsSettings.largestProducerRecord(config("exactly_once_v2")));
        StreamlearnConfig raised = ConfigLoader.fromYaml("""
                applicationId: u
                kafka: {max.request.size: 8388608, producer.max.request.size: 4194304}
                models:
                  - id: default
                    inputSize: 2
                """, Map.of());
        assertEquals(4_194_304, StreamsSettings.largestProducerRecord(raised), "the producer. prefix wins");
        // A large model raises the producer's limits (KafkaProperties.modelProducerLimits): the bound follows.
        StreamlearnConfig large = ConfigLoader.fromYaml("""
                applicationId: u
                models:
                  - id: default
                    inputSize: 300000
                """, Map.of());
        assertEquals(ModelRecordSizes.recordLimit(large), StreamsSettings.largestProducerRecord(large));
        assertTrue(StreamsSettings.largestProducerRecord(large) > 2 * 1_048_576);
    }
}
