package io.streamlearn.snapshot;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.codec.Codecs;
import io.streamlearn.config.DriftPolicy;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.BackgroundLearner;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Network;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * How large the records that carry a model can get: its checkpoint in the changelog and its
 * snapshot on {@code weights}. Kafka refuses a record above the producer's {@code max.request.size}
 * and the topic's {@code max.message.bytes} (1 MiB by default, about 32,000 parameters with Adam),
 * and a refused checkpoint fails every commit, so the learner sets both from the largest declared
 * model instead of letting a model the config accepts stop it.
 */
public final class ModelRecordSizes {
    /** Kafka's defaults for both limits: never ask for less. */
    public static final int KAFKA_DEFAULT_LIMIT = 1024 * 1024;
    /**
     * The largest record streamlearn asks Kafka to take: well under a broker's default
     * {@code socket.request.max.bytes} (100 MiB), which bounds a produce request on any cluster.
     */
    public static final int MAX_LIMIT = 64 * 1024 * 1024;
    /**
     * The longest text of a double in JSON ("-2.2250738585072014E-308"): a model's size is measured
     * with every number at its widest, so trained weights can never outgrow it.
     */
    private static final double WIDEST = -2.2250738585072014E-308;
    /** Room for what grows with use (metrics, counters, strings) and for record and batch headers. */
    private static final int HEADROOM = 256 * 1024;

    private ModelRecordSizes() {
    }

    /**
     * Asked several times at each start (topology, Streams and producer settings, topic checks):
     * each answer encodes the largest model at its widest, so it is kept per configuration.
     */
    private static final Map<StreamlearnConfig, Integer> LIMITS = Collections.synchronizedMap(new WeakHashMap<>());

    /** The limit for every record that carries a model: the largest one's worst case plus headroom, at least Kafka's default. */
    public static int recordLimit(StreamlearnConfig config) {
        Integer known = LIMITS.get(config);
        if (known != null) {
            return known;
        }
        int limit = computeLimit(config);
        LIMITS.put(config, limit);
        return limit;
    }

    private static int computeLimit(StreamlearnConfig config) {
        long largest = 0;
        String largestModel = null;
        for (ModelConfig m : config.models().values()) {
            long size = worstCase(config, m);
            if (size > largest) {
                largest = size;
                largestModel = m.id();
            }
        }
        long limit = largest + largest / 4 + HEADROOM;
        if (limit > MAX_LIMIT) {
            throw new IllegalArgumentException("model '" + largestModel + "' is too large to checkpoint: its state needs records of up to "
                    + largest + " bytes, and streamlearn writes records of at most " + MAX_LIMIT + " bytes (64 MiB); "
                    + "use fewer parameters (inputs x units per layer)");
        }
        return (int) Math.max(KAFKA_DEFAULT_LIMIT, limit);
    }

    /** The larger of the model's checkpoint and its snapshot, with every number at its widest. */
    static long worstCase(StreamlearnConfig config, ModelConfig model) {
        // A checkpoint holds at least the weights and the open batch's gradient, 8 bytes each (twice
        // with a background learner): past that bound the model is refused without allocating it.
        boolean background = model.drift().action() == DriftPolicy.Action.BACKGROUND;
        long atLeast = (background ? 32 : 16) * model.spec().parameterCount();
        if (atLeast > MAX_LIMIT) {
            return atLeast;
        }
        OnlineLearner learner = OnlineLearner.fresh(model);
        Network n = learner.network();
        for (int l = 0; l < n.layerCount(); l++) {
            Arrays.fill(n.weights(l), WIDEST);
            Arrays.fill(n.biases(l), WIDEST);
            Arrays.fill(n.pendingWeightGradient(l), WIDEST);
            Arrays.fill(n.pendingBiasGradient(l), WIDEST);
            for (int s = 0; s < n.slotCount(); s++) {
                Arrays.fill(n.slot(l, false, s), WIDEST);
                Arrays.fill(n.slot(l, true, s), WIDEST);
            }
        }
        if (background) {
            // drift.action background: while a background learner trains, the checkpoint carries a second network.
            learner.restoreBackground(new BackgroundLearner(n.copy(), Long.MAX_VALUE));
            learner.background().restoreCounters(Long.MAX_VALUE, WIDEST, WIDEST);
        }
        long checkpoint = Codecs.checkpoints().encode(SnapshotMapper.checkpoint(learner)).length;
        long snapshot = Topics.of(config).weights().codec().encode(
                SnapshotMapper.snapshot(learner, Long.MAX_VALUE, Long.MAX_VALUE, SnapshotSource.RETRAIN, Long.MAX_VALUE)).length;
        return Math.max(checkpoint, snapshot);
    }
}
