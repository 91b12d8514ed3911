/**
 * Everything about weight snapshots: mapping a learner to its snapshot and checkpoint
 * (SnapshotMapper), whether a snapshot fits a model (SnapshotFit), the newest version of every
 * model (ModelRegistry of DecodedSnapshot), reading the weights topic, record sizes of models.
 *
 * <p>May use: avro, codec, config, eval, kafka, learn, model. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.snapshot;
