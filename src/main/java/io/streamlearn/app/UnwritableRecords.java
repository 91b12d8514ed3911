package io.streamlearn.app;

import io.streamlearn.topology.Names;
import io.streamlearn.topology.RecordLimits;
import io.streamlearn.topology.TopologyListener;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kafka Streams does when Kafka refuses a record the learner writes. The topology bounds what
 * it writes ({@link io.streamlearn.topology.RecordLimits}), so this is the backstop: a topic's limit
 * lowered while the learner runs, or a broker check the bounds do not know.
 *
 * <p>Every refusal is logged with the input record it came from and counted
 * ({@code streamlearn.records.unwritable}). The learner goes on without the record only when that
 * is safe, which takes all three of:
 * <ul>
 *   <li>the refusal is about this record alone (too large, invalid, a timestamp out of range),
 *       not the broker or the connection: those are retried, anything else stops the learner, as
 *       Kafka's default handler does;</li>
 *   <li>the record is a scored event or a dead letter, an output of one input: losing it loses
 *       exactly that output. A lost weights snapshot, changelog or repartition record would make
 *       the model or its restored state differ from what was learned, unseen;</li>
 *   <li>the guarantee is at_least_once. Under exactly-once the producer has already made the
 *       transaction abortable when it refused the record ({@code KafkaProducer.send} calls
 *       {@code TransactionManager.maybeTransitionToErrorState}), so going on only moves the failure
 *       to the commit, where Kafka Streams stops anyway ("Error encountered trying to add offsets to a
 *       transaction", seen on the embedded broker with a 2 MB dead letter). The learner stops at once
 *       instead; the limits are read again at the next start and the record is then bounded by
 *       them, so it does not stop it twice.</li>
 * </ul>
 *
 * <p>Kafka Streams creates this class from its name; what it needs comes through the properties:
 * {@link #LISTENER} (the metrics), {@link #TOPIC_KINDS} (topic name to kind) and the guarantee.
 */
public final class UnwritableRecords implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UnwritableRecords.class);

    /** Property holding the {@link TopologyListener} told of each refusal. */
    public static final String LISTENER = "streamlearn.unwritable.listener";
    /** Property holding a {@code Map<String, String>} from each configured output topic to its kind. */
    public static final String TOPIC_KINDS = "streamlearn.unwritable.topic.kinds";

    private static final String SCORED_EVENTS = "scored-events";
    private static final String DEAD_LETTERS = "dead-letters";

    private TopologyListener listener = TopologyListener.NONE;
    private Map<String, String> kinds = Map.of();
    private boolean atLeastOnce;

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        if (configs.get(LISTENER) instanceof TopologyListener l) {
            listener = l;
        }
        if (configs.get(TOPIC_KINDS) instanceof Map<?, ?> m) {
            kinds = Map.copyOf((Map<String, String>) m);
        }
        atLeastOnce = StreamsConfig.AT_LEAST_ONCE.equals(String.valueOf(configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)))
                || configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG) == null;
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        String kind = kind(record.topic());
        boolean aboutThisRecord = exception instanceof RecordTooLargeException
                || exception instanceof RecordBatchTooLargeException
                || exception instanceof InvalidRecordException
                || exception instanceof InvalidTimestampException;
        boolean skip = aboutThisRecord && atLeastOnce && (kind.equals(SCORED_EVENTS) || kind.equals(DEAD_LETTERS));
        LOG.warn("Kafka refused a record of {} bytes for '{}', written for input {}-{} offset {}: {}. {}",
                size(record), record.topic(), context.topic(), context.partition(), context.offset(), exception,
                skip ? "Going on without it (counted in streamlearn.records.unwritable)."
                        : "Stopping: " + (!aboutThisRecord ? "the error is not about this record alone."
                        : !atLeastOnce ? "under exactly-once the transaction cannot commit any more; the next start "
                                + "reads the topics' limits again." : "a " + kind + " record cannot be left out."));
        listener.unwritable(kind, skip);
        return skip ? Response.resume() : Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes") // the interface's own signature
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        // Every sink serializes bytes it made itself: a failure is a defect, not an input to skip.
        LOG.warn("Could not serialize the {} of a record for '{}', written for input {}-{} offset {}: {}. Stopping.",
                origin.name().toLowerCase(Locale.ROOT), record.topic(), context.topic(), context.partition(),
                context.offset(), exception);
        listener.unwritable(kind(record.topic()), false);
        return Response.fail();
    }

    private String kind(String topic) {
        String k = kinds.get(topic);
        if (k != null) {
            return k;
        }
        if (topic.endsWith("-changelog")) {
            return "changelog";
        }
        return topic.endsWith("-repartition") || topic.endsWith(Names.REPARTITION_TOPIC_SUFFIX)
                ? "repartition" : "other";
    }

    private static long size(ProducerRecord<byte[], byte[]> record) {
        return RecordLimits.sizeOf(record.key(), record.value(), record.headers());
    }
}
