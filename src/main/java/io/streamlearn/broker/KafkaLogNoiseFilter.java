package io.streamlearn.broker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Marker;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;

/**
 * Lowers to DEBUG the few WARN and ERROR lines Kafka logs in healthy runs of streamlearn (from
 * the embedded broker, which runs in the same JVM as the demo, and from Kafka Streams), so that
 * a warning or an error in the demo's, the learner's or the tests' output means something. Each
 * is matched by its logger, its level and its text, some also by what they carry; every other
 * line of the same loggers still shows. Installed from {@code logback.xml} with
 * {@code <turboFilter class="io.streamlearn.broker.KafkaLogNoiseFilter"/>}; {@code DEBUG} on the
 * logger shows the lowered lines again.
 */
public final class KafkaLogNoiseFilter extends TurboFilter {

    /**
     * One expected line: its level, its logger, a text it contains and, where given, a test of the
     * whole message and of its exception. Kafka's own loggers (LogContext) hand logback the
     * message already formatted, so arguments are matched in the text.
     */
    record Noise(Level level, String logger, String text, BiPredicate<String, Throwable> carrying) {
        boolean matches(String message, Throwable t) {
            return message.contains(text) && (carrying == null || carrying.test(message, t));
        }
    }

    /** After the task of a corrupted store (see below) comes the exception, as {@code 0_0=<class>: <message>}. */
    private static final Pattern TASK_EXCEPTION = Pattern.compile("\\d+_\\d+=([\\w.$]+)");
    private static final String TASK_CORRUPTED = "org.apache.kafka.streams.errors.TaskCorruptedException";

    static final List<Noise> NOISE = List.of(
            // Every start of a KRaft controller, at WARN on purpose in Kafka: not a problem for one node.
            new Noise(Level.WARN, "org.apache.kafka.controller.QuorumController", "Performing controller activation.", null),
            // Every stop: Kafka's broker lifecycle manager closes its controller channel twice.
            new Noise(Level.WARN, "org.apache.kafka.clients.NetworkClient",
                    "name=registration] Attempting to close NetworkClient that has already been closed.", null),
            // Exactly-once with transactions v2: a transaction's first write to a partition waits until
            // the previous transaction's markers are written. Until then the broker answers the first
            // batch CONCURRENT_TRANSACTIONS and a second batch already in flight OUT_OF_ORDER_SEQUENCE,
            // which it logs as an ERROR; the producer retries both, in order, and they are written
            // once. A sequence gap the producer cannot retry fails its send, which the learner reports.
            new Noise(Level.ERROR, "kafka.server.ReplicaManager", "Error processing append operation on partition",
                    (message, t) -> t instanceof OutOfOrderSequenceException),
            // The producer's side of the same: each retried batch is a WARN.
            new Noise(Level.WARN, "org.apache.kafka.clients.producer.internals.Sender", "Got error produce response with correlation id",
                    (message, t) -> message.contains("retrying") && (message.endsWith("Error: CONCURRENT_TRANSACTIONS")
                            || message.endsWith("Error: OUT_OF_ORDER_SEQUENCE_NUMBER"))),
            // Clients that start together (the learner's transactional producers, the demo's feed) ask at
            // once for one of Kafka's internal topics (__transaction_state, __consumer_offsets); the
            // broker creates it for the first and warns that it exists for the second: nothing failed.
            new Noise(Level.WARN, "org.apache.kafka.server.DefaultAutoTopicCreationManager", "with error 'TOPIC_ALREADY_EXISTS'",
                    (message, t) -> message.startsWith("Auto topic creation failed for __")),
            // A heartbeat may wait in the controller's queue for half the heartbeat interval. On a busy
            // machine it sometimes waits longer: the controller then counts it anyway (the broker stays
            // alive, nothing is fenced) and says so as an ERROR; the broker's WARN about the late answer stays.
            new Noise(Level.ERROR, "org.apache.kafka.controller.ReplicationControlManager",
                    "processExpiredBrokerHeartbeat: controller event queue overloaded", null),
            // After a kill under exactly-once, a store without a checkpoint may hold uncommitted writes:
            // Kafka Streams wipes it and restores it from its changelog, as designed. It says so in
            // WARNs, which stay, and lists the "corrupted" tasks as an ERROR, which this lowers only
            // when every task in the list is one of these.
            new Noise(Level.ERROR, "org.apache.kafka.streams.processor.internals.TaskManager",
                    "Get exceptions for the following tasks: {", (message, t) -> onlyCorruptedTasks(message)));

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || level == null || !level.isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        for (Noise noise : NOISE) {
            if (noise.level() != level || !logger.getName().equals(noise.logger())) {
                continue;
            }
            FormattingTuple message = MessageFormatter.arrayFormat(format, params, t);
            Throwable thrown = t != null ? t : message.getThrowable();
            if (noise.matches(message.getMessage(), thrown)) {
                // Said again one level down (the filter passes DEBUG through): dropped unless DEBUG is on.
                if (logger.isDebugEnabled()) {
                    logger.debug(message.getMessage(), thrown);
                }
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }

    private static boolean onlyCorruptedTasks(String message) {
        Matcher m = TASK_EXCEPTION.matcher(message);
        boolean any = false;
        while (m.find()) {
            if (!m.group(1).equals(TASK_CORRUPTED)) {
                return false;
            }
            any = true;
        }
        return any;
    }
}
