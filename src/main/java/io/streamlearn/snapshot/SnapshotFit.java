package io.streamlearn.snapshot;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import java.util.Locale;

/**
 * Whether a snapshot read from the weights topic fits the model this application is configured
 * with. Anyone can write to that topic (an older deployment, a retrain run with another config, a
 * hand-made record): a well-formed snapshot of another shape must be refused before it is
 * decoded or adopted, or it fails the thread that touches it. The optimizer, its rates, L2 and
 * the seed may differ (a retrain may override them); what the network computes may not, and
 * every number it carries must be finite.
 */
public final class SnapshotFit {
    private SnapshotFit() {
    }

    /**
     * The snapshot decoded for {@code key}, after checking it against the configured model.
     *
     * @throws IllegalArgumentException naming the first mismatch, when it does not fit or does not decode
     */
    public static DecodedSnapshot admit(String key, WeightSnapshot snap, StreamlearnConfig config) {
        return admit(key, snap, config.model(key));
    }

    /**
     * The snapshot decoded for {@code key}, after checking it against {@code configured}, that key's
     * model as the catalogue has it now (null when it has none).
     *
     * @throws IllegalArgumentException naming the first mismatch, when it does not fit or does not decode
     */
    public static DecodedSnapshot admit(String key, WeightSnapshot snap, ModelConfig configured) {
        if (configured == null) {
            throw new IllegalArgumentException("model '" + key + "' is not configured here");
        }
        if (!key.equals(snap.getModel())) {
            throw new IllegalArgumentException("keyed '" + key + "' but describes model '" + snap.getModel() + "'");
        }
        String problem = mismatch(configured.spec(), SnapshotMapper.spec(snap.getSpec()));
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        // Decoding still checks every array against the spec: a record can agree on the spec and
        // carry arrays of the wrong length.
        Network network = SnapshotMapper.network(snap);
        // Our trainers never publish a non-finite value, but anyone can write to the topic: scoring
        // with NaN, or adopting it for training and publishing it on, would break that promise.
        if (!network.isFinite()) {
            throw new IllegalArgumentException("its weights, biases or optimizer state are not all finite (NaN or infinite)");
        }
        return new DecodedSnapshot(key, snap.getVersion(), snap.getSource(), network, snap);
    }

    /**
     * The first difference between what a snapshot (or a network decoded from one) computes and
     * the configured spec; null when none.
     */
    public static String mismatch(ModelSpec configured, ModelSpec other) {
        if (other.inputSize() != configured.inputSize()) {
            return "input size " + other.inputSize() + ", configured " + configured.inputSize();
        }
        if (other.layers().size() != configured.layers().size()) {
            return other.layers().size() + " layers, configured " + configured.layers().size();
        }
        for (int i = 0; i < other.layers().size(); i++) {
            LayerSpec want = configured.layers().get(i);
            LayerSpec got = other.layers().get(i);
            if (!got.equals(want)) {
                return "layer " + i + " is " + got.units() + "×" + name(got.activation()) + ", configured "
                        + want.units() + "×" + name(want.activation());
            }
        }
        if (other.loss() != configured.loss()) {
            return "loss " + name(other.loss()) + ", configured " + name(configured.loss());
        }
        if (other.scaling() != configured.scaling()) {
            return "scaling " + name(other.scaling()) + ", configured " + name(configured.scaling());
        }
        return null;
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
