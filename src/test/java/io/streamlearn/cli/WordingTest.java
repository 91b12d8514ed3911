package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Counts in the commands' output read as English: "1 epoch", "2 epochs". */
class WordingTest {
    @Test
    void oneIsSingularEveryOtherCountPlural() {
        assertEquals("1 epoch", Counts.of(1, "epoch"));
        assertEquals("0 epochs", Counts.of(0, "epoch"));
        assertEquals("2 updates", Counts.of(2, "update"));
        assertEquals("1 non-finite update", Counts.of(1, "non-finite update"));
        assertEquals("1000000 examples", Counts.of(1_000_000, "example"));
    }

    @Test
    void anInterruptedProduceSaysWhatWasWritten() {
        assertEquals("interrupted: produced 37 examples and 1 event", ProduceCommand.interruptedMessage(37, 1));
        assertEquals("interrupted: produced 1 example and 0 events", ProduceCommand.interruptedMessage(1, 0));
    }
}
