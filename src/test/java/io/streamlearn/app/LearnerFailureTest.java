package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import java.util.Map;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class LearnerFailureTest {
    private static final StreamlearnConfig CONFIG = ConfigLoader.load(null, Map.of("applicationId", "app-7", "stateDir", "/var/lib/learner"));

    /** What Kafka Streams hands the uncaught-exception handler when a send fails (its message spans three lines). */
    private static StreamsException sendFailure() {
        RecordTooLargeException root = new RecordTooLargeException("The message is 405 bytes when serialized which is larger than 64,"
                + " which is the value of the max.request.size configuration.");
        return new StreamsException("Error encountered sending record to topic app-7-model-state-store-changelog for task 0_0 due to:\n"
                + root + "\nException handler choose to FAIL the processing, no more records would be sent.", root);
    }

    @Test
    void aMultiLineStreamsFailureBecomesOneLineWithWhereWhatAndWhatToDo() {
        String line = LearnerFailure.describe(sendFailure(), CONFIG);
        assertFalse(line.contains("\n") || line.contains("\r"), line);
        assertTrue(line.startsWith("Error encountered sending record to topic app-7-model-state-store-changelog for task 0_0 due to: "
                + "RecordTooLargeException: The message is 405 bytes"), line);
        assertEquals(1, line.split("RecordTooLargeException", -1).length - 1, "the cause once: " + line);
        assertTrue(line.contains("configuration; start it again"), line);
        assertTrue(line.contains("max.request.size=BYTES") && line.contains("max.message.bytes"), line);
    }

    @Test
    void aDamagedStoreNamesTheLocalStateToDelete() {
        String line = LearnerFailure.describe(new StreamsException(new ProcessorStateException("Error opening store model-state-store")), CONFIG);
        assertTrue(line.startsWith("ProcessorStateException: Error opening store model-state-store; "), line);
        assertTrue(line.contains("/var/lib/learner/app-7"), line);
    }

    @Test
    void aCauseWithoutMessageIsNamedByItsType() {
        assertEquals("OutOfMemoryError", LearnerFailure.summary(new OutOfMemoryError()));
        assertEquals("failed: NullPointerException", LearnerFailure.summary(new IllegalStateException("failed", new NullPointerException())));
    }

    @Test
    void secretsInAMessageAreHidden() {
        String line = LearnerFailure.describe(new IllegalStateException("bad setting ssl.key.password=hunter2"), CONFIG);
        assertFalse(line.contains("hunter2"), line);
    }
}
