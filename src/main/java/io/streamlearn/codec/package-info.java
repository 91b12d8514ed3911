/**
 * Wire formats only: the records of each topic (LabeledExample, Event, ScoredEvent) in JSON and
 * Avro single-object encoding, bounded decoding, dead-letter reasons and header names.
 *
 * <p>May use: avro (generated classes), config (Format), model (Label). The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.codec;
