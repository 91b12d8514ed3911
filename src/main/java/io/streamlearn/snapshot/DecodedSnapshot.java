package io.streamlearn.snapshot;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.model.Network;

/**
 * One published version of a model, decoded once. The network is never trained or used for
 * prediction directly (its buffers are not thread-safe): readers copy it.
 */
public record DecodedSnapshot(String model, long version, SnapshotSource source, Network network, WeightSnapshot snapshot) {
}
