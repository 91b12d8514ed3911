package io.streamlearn.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.utils.internals.LogContext;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Each line Kafka logs in a healthy run, logged as Kafka logs it (its logger, level, prefixed
 * through Kafka's LogContext where Kafka uses one, its arguments), through logback as configured
 * for the tests: it reaches the appender only at DEBUG. Lines that differ in what they carry (a
 * different error, a task that failed for real) still come through at their own level.
 */
class KafkaLogNoiseFilterTest {
    private static final LoggerContext LOGBACK = (LoggerContext) LoggerFactory.getILoggerFactory();

    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private Logger watched;
    private Level levelBefore;

    private org.slf4j.Logger watch(String name, Level level) {
        watched = LOGBACK.getLogger(name);
        levelBefore = watched.getLevel();
        watched.setLevel(level);
        seen.setContext(LOGBACK);
        seen.start();
        watched.addAppender(seen);
        return new LogContext("[Producer clientId=p, transactionalId=t] ").logger(name);
    }

    @AfterEach
    void unwatch() {
        watched.detachAppender(seen);
        watched.setLevel(levelBefore);
    }

    private List<String> lines() {
        return seen.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void theBrokersOutOfOrderSequenceErrorIsDebugAndOtherAppendErrorsStayErrors() {
        watch("kafka.server.ReplicaManager", Level.DEBUG);
        // As Kafka's Scala Logging trait calls it: the message built, the exception apart.
        org.slf4j.Logger replicaManager = LoggerFactory.getLogger("kafka.server.ReplicaManager");
        replicaManager.error("[ReplicaManager broker=1] Error processing append operation on partition Zx:weights-0",
                new OutOfOrderSequenceException("Invalid sequence number for producer 0 at offset 0 in partition weights-0"));
        replicaManager.error("[ReplicaManager broker=1] Error processing append operation on partition Zx:weights-0",
                new NotLeaderOrFollowerException("not the leader"));
        assertEquals(List.of("DEBUG [ReplicaManager broker=1] Error processing append operation on partition Zx:weights-0",
                "ERROR [ReplicaManager broker=1] Error processing append operation on partition Zx:weights-0"), lines());
        assertEquals(OutOfOrderSequenceException.class.getName(), seen.list.get(0).getThrowableProxy().getClassName(),
                "lowered with its exception");
    }

    @Test
    void theProducersRetriesOfTheSameAreDebugAndOtherRetriesWarnings() {
        org.slf4j.Logger sender = watch("org.apache.kafka.clients.producer.internals.Sender", Level.DEBUG);
        String format = "Got error produce response with correlation id {} on topic-partition {}, retrying ({} attempts left). Error: {}";
        sender.warn(format, 20L, "weights-0", 2147483646, "CONCURRENT_TRANSACTIONS");
        sender.warn(format, 21L, "weights-0", 2147483646, "OUT_OF_ORDER_SEQUENCE_NUMBER");
        sender.warn(format, 22L, "weights-0", 2147483646, "NOT_LEADER_OR_FOLLOWER");
        List<String> lines = lines();
        assertEquals(List.of("DEBUG", "DEBUG", "WARN"), lines.stream().map(l -> l.split(" ")[0]).toList(), lines.toString());
        assertEquals("WARN [Producer clientId=p, transactionalId=t] Got error produce response with correlation id 22 on"
                + " topic-partition weights-0, retrying (2147483646 attempts left). Error: NOT_LEADER_OR_FOLLOWER", lines.get(2));
    }

    @Test
    void anInternalTopicTwoClientsAskedForAtOnceIsDebugAnyOtherTopicsFailureAWarning() {
        watch("org.apache.kafka.server.DefaultAutoTopicCreationManager", Level.DEBUG);
        org.slf4j.Logger creation = LoggerFactory.getLogger("org.apache.kafka.server.DefaultAutoTopicCreationManager");
        String format = "Auto topic creation failed for {} with error '{}': {}.";
        creation.warn(format, "__transaction_state", "TOPIC_ALREADY_EXISTS", "Topic '__transaction_state' already exists.");
        creation.warn(format, "examples", "TOPIC_ALREADY_EXISTS", "Topic 'examples' already exists.");
        creation.warn(format, "__consumer_offsets", "INVALID_REPLICATION_FACTOR", "Replication factor: 3 larger than available brokers: 1.");
        List<String> lines = lines();
        assertEquals(List.of("DEBUG", "WARN", "WARN"), lines.stream().map(l -> l.split(" ")[0]).toList(), lines.toString());
    }

    @Test
    void theControllersLateHeartbeatIsDebug() {
        org.slf4j.Logger controller = watch("org.apache.kafka.controller.ReplicationControlManager", Level.DEBUG);
        controller.error("processExpiredBrokerHeartbeat: controller event queue overloaded. Timed out heartbeat from broker {}.", 1);
        controller.error("Some other controller error {}", 1);
        assertEquals(List.of("DEBUG [Producer clientId=p, transactionalId=t] processExpiredBrokerHeartbeat: controller event queue"
                + " overloaded. Timed out heartbeat from broker 1.", "ERROR [Producer clientId=p, transactionalId=t] Some other"
                + " controller error 1"), lines());
    }

    @Test
    void tasksRebuiltAfterAKillAreDebugATaskThatFailedForRealIsAnError() {
        org.slf4j.Logger taskManager = watch("org.apache.kafka.streams.processor.internals.TaskManager", Level.DEBUG);
        TaskId task = new TaskId(0, 0);
        taskManager.error("Get exceptions for the following tasks: {}",
                Map.of(task, new TaskCorruptedException(java.util.Set.of(task))));
        taskManager.error("Get exceptions for the following tasks: {}",
                Map.of(task, new TaskMigratedException("moved")));
        List<String> lines = lines();
        assertEquals(List.of("DEBUG", "ERROR"), lines.stream().map(l -> l.split(" ")[0]).toList(), lines.toString());
    }

    @Test
    void atTheConfiguredLevelsTheLoweredLinesAreNotShownAtAll() {
        org.slf4j.Logger sender = watch("org.apache.kafka.clients.producer.internals.Sender", Level.WARN);
        sender.warn("Got error produce response with correlation id {} on topic-partition {}, retrying ({} attempts left). Error: {}",
                20L, "weights-0", 2147483646, "CONCURRENT_TRANSACTIONS");
        assertEquals(List.of(), lines());
    }
}
