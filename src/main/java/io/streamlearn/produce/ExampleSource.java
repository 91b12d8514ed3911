package io.streamlearn.produce;

import java.io.IOException;

/** Where the examples to produce come from, one row at a time: a generator, a CSV file, JSON lines. */
public interface ExampleSource extends AutoCloseable {

    /** The next row, or null after the last; {@link ProduceRefused} for input that is not examples. */
    SourceRow next();

    /** How many rows there will be, when known before reading them; else -1. */
    long size();

    /** How to give the rows {@code wanted} features instead of {@code got}, said in this input's flags. */
    String featuresFix(int wanted, int got);

    /** Where the labels come from, said in this input's flags. */
    String labelsOrigin();

    @Override
    void close() throws IOException;
}
