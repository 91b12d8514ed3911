package io.streamlearn.produce;

import io.streamlearn.codec.LabeledExample;

/**
 * One row of input: the example as read (its model field and id may be absent), the record key
 * the input gives it (a CSV key column; else null), and where it came from, for messages.
 */
public record SourceRow(LabeledExample example, String key, String where) {
}
