package io.streamlearn.kafka;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

class DeliveriesTest {
    private static RecordMetadata at(String topic) {
        return new RecordMetadata(new TopicPartition(topic, 0), 0, 0, 0, 0, 0);
    }

    @Test
    void allAcknowledgedPassesTheCheck() {
        Deliveries d = new Deliveries();
        d.onCompletion(at("examples"), null);
        d.onCompletion(at("examples"), null);
        assertDoesNotThrow(d::check);
        assertEquals(2, d.acknowledged());
        assertEquals(0, d.failed());
    }

    @Test
    void aLostRecordFailsTheCheckWithTopicCountAndCause() {
        Deliveries d = new Deliveries();
        d.onCompletion(at("examples"), null);
        d.onCompletion(at("examples"), new OutOfOrderSequenceException("seq 0 after 775"));
        d.onCompletion(at("events"), new OutOfOrderSequenceException("later"));
        Deliveries.DeliveryFailedException e = assertThrows(Deliveries.DeliveryFailedException.class, d::check);
        assertTrue(e.getMessage().startsWith("2 record(s) could not be written (first to 'examples')"), e.getMessage());
        assertTrue(e.getMessage().contains("seq 0 after 775"), e.getMessage());
        assertEquals(1, d.acknowledged());
    }
}
