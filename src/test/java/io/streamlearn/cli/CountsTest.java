package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountsTest {
    @Test
    void oneIsSingularEveryOtherCountPlural() {
        assertEquals("1 epoch", Counts.of(1, "epoch"));
        assertEquals("0 epochs", Counts.of(0, "epoch"));
        assertEquals("2 updates", Counts.of(2, "update"));
        assertEquals("1 non-finite update", Counts.of(1, "non-finite update"));
        assertEquals("1000000 examples", Counts.of(1_000_000, "example"));
    }
}
