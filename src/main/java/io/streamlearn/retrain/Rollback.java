package io.streamlearn.retrain;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.SnapshotFit;
import io.streamlearn.snapshot.SnapshotMapper;
import io.streamlearn.snapshot.WeightsReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Republishes an earlier version's weights as a model's next version (source ROLLBACK), read from
 * the weights history, which keeps every version for its retention (the compacted weights topic
 * keeps only the newest).
 */
public final class Rollback {
    public static final String ROLLBACK_OF = "streamlearn.lineage.rollback-of";

    private Rollback() {
    }

    /** The version published from {@code version}'s weights. */
    public static WeightSnapshot to(StreamlearnConfig config, Properties client, String model, long version, Duration timeout) {
        Topics topics = Topics.of(config);
        ModelConfig declared = config.model(model);
        if (declared == null) {
            throw new RetrainRefused("model '" + model + "' is not declared in the configuration");
        }
        List<WeightSnapshot> kept = WeightsReader.readAll(client, topics.weightsHistory().name(),
                topics.weightsHistory().codec()).getOrDefault(model, List.of());
        WeightSnapshot old = WeightsReader.select(kept, version);
        if (old == null) {
            throw new RetrainRefused("version " + version + " of '" + model + "' is not in '" + topics.weightsHistory().name()
                    + "' (" + (kept.isEmpty() ? "it holds no version of it"
                    : "it holds versions " + kept.get(0).getVersion() + " to " + kept.get(kept.size() - 1).getVersion()) + ")");
        }
        String problem = SnapshotFit.mismatch(declared.spec(), SnapshotMapper.spec(old.getSpec()));
        if (problem != null) {
            throw new RetrainRefused("version " + version + " of '" + model + "' does not fit the model declared now: " + problem);
        }
        WeightSnapshot request = WeightSnapshot.newBuilder(old).setSource(SnapshotSource.ROLLBACK).setParentVersion(version).build();
        return ModelRequests.publish(config, client, model, request, Map.of(ROLLBACK_OF, Long.toString(version)), timeout);
    }
}
