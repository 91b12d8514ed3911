package io.streamlearn.produce;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids of rows that bring none: {@code p-<run>-<i>}, {@code <run>} eight hex digits drawn anew for
 * every run, so that two runs (the same generator twice) never write the same id: ids name a
 * record in scored events, dead letters and the labels file.
 */
public final class RecordIds {
    private final String prefix;

    private RecordIds(String run) {
        this.prefix = "p-" + run + "-";
    }

    public static RecordIds forThisRun() {
        return new RecordIds(String.format("%08x", ThreadLocalRandom.current().nextInt()));
    }

    static RecordIds of(String run) {
        return new RecordIds(run);
    }

    /** The id of row {@code index}, counting from 0. */
    public String id(long index) {
        return prefix + index;
    }
}
