package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AbandonedTransactionsTest {
    private static final String LIVE = "0b8e6f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String DEAD = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";

    @Test
    void readsTheProcessOfKafkaStreamsTransactionsAndConsumers() {
        assertEquals(LIVE, AbandonedTransactions.processOfTransaction("app", "app-" + LIVE + "-1"));
        assertEquals(LIVE, AbandonedTransactions.processOfConsumer("app", "app-" + LIVE + "-StreamThread-2-consumer"));
        // Another application whose id starts like this one's, or one whose id holds regex characters.
        assertNull(AbandonedTransactions.processOfTransaction("app", "app-x-" + LIVE + "-1"));
        assertEquals(LIVE, AbandonedTransactions.processOfTransaction("a.p+p", "a.p+p-" + LIVE + "-1"));
        assertNull(AbandonedTransactions.processOfTransaction("a.p+p", "aXpp-" + LIVE + "-1"));
        // The restore and global consumers are not members; a producer's client id is not a transactional id.
        assertNull(AbandonedTransactions.processOfConsumer("app", "app-" + LIVE + "-StreamThread-1-restore-consumer"));
        assertNull(AbandonedTransactions.processOfTransaction("app", "app-" + LIVE + "-StreamThread-1-producer"));
    }

    @Test
    void onlyTransactionsOfProcessesThatLeftTheGroupAreAbandoned() {
        List<String> members = List.of("app-" + LIVE + "-StreamThread-1-consumer", "app-" + LIVE + "-StreamThread-2-consumer");
        assertEquals(Set.of("app-" + DEAD + "-1", "app-" + DEAD + "-2"), AbandonedTransactions.abandoned("app",
                List.of("app-" + LIVE + "-1", "app-" + DEAD + "-1", "app-" + DEAD + "-2", "other-" + DEAD + "-1",
                        "app-not-a-streams-id"), members));
        assertEquals(Set.of(), AbandonedTransactions.abandoned("app", List.of("app-" + LIVE + "-2"), members));
    }

    @Test
    void aMemberThatCannotBeToldApartStopsItAll() {
        // client.id set by hand: the members' process ids are unknown, so every open transaction may be a live one's.
        assertNull(AbandonedTransactions.abandoned("app", List.of("app-" + DEAD + "-1"),
                List.of("app-" + LIVE + "-StreamThread-1-consumer", "my-client-StreamThread-1-consumer")));
    }
}
