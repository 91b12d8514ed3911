package io.streamlearn.topology;

import io.streamlearn.snapshot.DecodedSnapshot;
import org.apache.kafka.common.header.Headers;

/**
 * A request to publish {@code snapshot}'s weights as its model's next version (a retrain's
 * result), checked and decoded; {@code headers} carry its lineage onto the published version.
 */
record ModelRequest(DecodedSnapshot snapshot, Headers headers) {
}
