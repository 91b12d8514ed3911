package io.streamlearn.topology;

import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.TopicAdmin;
import io.streamlearn.snapshot.ModelRegistry;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The data-parallel part of the topology, there only when a model declares {@code parallel:}:
 *
 * <pre>
 * examples-validate ─► examples-parallel-split ─┬─► (re-keying or train, as before)
 *                                               └─► examples-replica ─► [parallel-deltas] ─► train (merge)
 *                                                   (parallel-replica-store)                 (parallel-rounds-store)
 * </pre>
 *
 * Every examples partition's task trains a replica ({@link Replica}); its deltas reach the model's
 * trainer through the {@code <applicationId>-parallel-deltas} topic, keyed by model and partitioned
 * as the trainer's other inputs, or directly when the trainer is in the same task (one examples
 * partition, no re-keying). The trainer merges them ({@link RoundMerger}) and numbers the versions.
 */
public final class ParallelTraining {
    private ParallelTraining() {
    }

    public static boolean anyModel(StreamlearnConfig config) {
        return config.models().values().stream().anyMatch(m -> m.isParallel());
    }

    /**
     * Adds the split and the replicas after {@code examples-validate}; returns the node the trainer's
     * examples (or the re-keying sink) now hang from.
     *
     * @param toTrainer where examples of other models go: the re-keying sink or the trainer
     */
    static String addReplicas(Topology t, StreamlearnConfig config, Partitioning partitioning, ModelRegistry registry,
                              TopologyListener listener, boolean repartition, String toTrainer) {
        t.addProcessor(Names.PARALLEL_SPLIT, () -> new ParallelSplit(config, toTrainer), Names.EXAMPLES_VALIDATE);
        PreCommitHooks hooks = new PreCommitHooks();
        String deltasTo = repartition ? Names.DELTAS_SINK : Names.TRAIN;
        int replicas = partitioning.examples();
        t.addProcessor(Names.REPLICA, () -> new Replica(config, registry, listener, hooks, deltasTo, replicas), Names.PARALLEL_SPLIT);
        t.addStateStore(loggedStore(Names.REPLICA_STORE), Names.REPLICA);
        t.addStateStore(PreCommitStore.builder(Names.REPLICA_PRE_COMMIT_STORE, hooks), Names.REPLICA);
        if (repartition) {
            String topic = Names.deltasTopic(config.applicationId());
            t.addSink(Names.DELTAS_SINK, topic, new StringSerializer(), ReplicaDelta.serializer(), Names.REPLICA);
            t.addSource(Names.DELTAS_SOURCE, new StringDeserializer(), ReplicaDelta.deserializer(), topic);
        }
        return Names.PARALLEL_SPLIT;
    }

    /** The trainer's parents besides requests: its examples, and where deltas come from. */
    static String[] trainerInputs(boolean repartition, String examples) {
        return repartition ? new String[] {examples, Names.DELTAS_SOURCE} : new String[] {examples, Names.REPLICA};
    }

    static void addRoundStore(Topology t) {
        t.addStateStore(loggedStore(Names.ROUNDS_STORE), Names.TRAIN);
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> loggedStore(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(TopicAdmin.COMPACTED_SEGMENT_MS)))
                .withCachingDisabled();
    }
}
