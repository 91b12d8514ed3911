package io.streamlearn.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The replay's reading thread hands over exactly the range, in the consumer's order, and lets go when asked. */
class RangeFetcherTest {
    private static final TopicPartition P0 = new TopicPartition("examples", 0);
    private static final TopicPartition P1 = new TopicPartition("examples", 1);

    private static MockConsumer<byte[], byte[]> consumer() {
        MockConsumer<byte[], byte[]> c = new MockConsumer<>("earliest");
        c.assign(List.of(P0, P1));
        c.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        return c;
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, null, new byte[] {(byte) offset});
    }

    private static List<String> drain(RangeFetcher f) {
        List<String> got = new ArrayList<>();
        for (List<ConsumerRecord<byte[], byte[]>> batch; (batch = f.next()) != null; ) {
            batch.forEach(r -> got.add(r.partition() + ":" + r.offset()));
        }
        return got;
    }

    @Test
    void theRangeComesOutInTheConsumersOrderAcrossPolls() {
        MockConsumer<byte[], byte[]> c = consumer();
        for (int poll = 0; poll < 4; poll++) {
            int from = poll * 3;
            c.schedulePollTask(() -> {
                for (int i = from; i < from + 3; i++) {
                    c.addRecord(record(P1, i));
                    c.addRecord(record(P0, i));
                }
            });
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (RangeFetcher f = new RangeFetcher(c, Map.of(P0, 0L, P1, 0L), Map.of(P0, 10L, P1, 12L))) {
                List<String> got = drain(f);
                // P0's range ends at 10, P1's at 12: P0's records from offset 10 on are outside it.
                List<String> inOrder = new ArrayList<>();
                // MockConsumer returns each poll's records partition by partition, as a real consumer does.
                for (int poll = 0; poll < 4; poll++) {
                    for (int i = poll * 3; i < poll * 3 + 3; i++) {
                        inOrder.add("1:" + i);
                    }
                    for (int i = poll * 3; i < Math.min(10, poll * 3 + 3); i++) {
                        inOrder.add("0:" + i);
                    }
                }
                assertEquals(inOrder, got);
            }
        });
    }

    /** A transaction's marker takes the last offset of the range: no record has it, the position passing it ends the read. */
    @Test
    void aRangeEndingInATransactionMarkerEnds() {
        MockConsumer<byte[], byte[]> c = consumer();
        c.schedulePollTask(() -> {
            c.addRecord(record(P0, 0));
            c.addRecord(record(P0, 1));
        });
        c.schedulePollTask(() -> c.seek(P0, 3)); // the marker at offset 2 is skipped
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (RangeFetcher f = new RangeFetcher(c, Map.of(P0, 0L, P1, 0L), Map.of(P0, 3L, P1, 0L))) {
                assertEquals(List.of("0:0", "0:1"), drain(f));
            }
        });
    }

    @Test
    void aFailedPollReachesTheCaller() {
        MockConsumer<byte[], byte[]> c = consumer();
        KafkaException broken = new KafkaException("broker gone");
        c.setPollException(broken);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (RangeFetcher f = new RangeFetcher(c, Map.of(P0, 0L, P1, 0L), Map.of(P0, 5L, P1, 0L))) {
                assertSame(broken, assertThrows(KafkaException.class, f::next));
            }
        });
    }

    /** A caller that stops early (a failed epoch) closes the reader: it stops, and the consumer is free again. */
    @Test
    void closingBeforeTheEndStopsTheReading() {
        MockConsumer<byte[], byte[]> c = consumer();
        for (int poll = 0; poll < 50; poll++) {
            int offset = poll;
            c.schedulePollTask(() -> c.addRecord(record(P0, offset)));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (RangeFetcher f = new RangeFetcher(c, Map.of(P0, 0L, P1, 0L), Map.of(P0, 1_000L, P1, 0L))) {
                assertNotNull(f.next());
            }
            c.poll(Duration.ZERO); // close() returned once the reading thread had ended: the consumer is this thread's again
        });
    }
}
