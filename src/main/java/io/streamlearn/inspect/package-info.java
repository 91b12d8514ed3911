/**
 * What the topics hold, as people read them: one line (or one JSON document) per scored event,
 * weight snapshot or dead letter, for {@code tail}. Reads no topic itself.
 *
 * <p>May use: avro, codec, config, snapshot, topology. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.inspect;
