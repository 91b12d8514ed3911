package io.streamlearn.topology;

import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.TopicAdmin;
import io.streamlearn.snapshot.ModelRecordSizes;
import io.streamlearn.snapshot.ModelRegistry;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the streamlearn topology from the configuration: a pure function, no I/O, so the same
 * config always gives the same topology (and the same internal topic names).
 *
 * <pre>
 * examples ─► examples-validate ─┬─► [examples-by-model] ─► train ─┬─► weights
 *                                └─► dead-letters           ▲      └─► dead-letters (LATE)
 * model-requests ─► model-requests-validate ─┬──────────────┘ (model-state-store)
 *                                            └─► dead-letters
 * events ──► score ──┬─► scored-events
 *                    └─► dead-letters
 * weights ─► weights-global-update (global store + registry, read by score and train)
 * models ──► catalogue-global-update (global store + the model catalogue, read by every processor)
 * </pre>
 *
 * When examples are spread over more than one partition (or more training partitions are asked
 * for), validated examples are re-keyed by model id through an internal topic so that all
 * examples of a model are learned by one task, in order; with one partition they already are,
 * and the extra hop is skipped ({@link Partitioning}). A model declared {@code parallel:} is
 * trained data-parallel instead: replicas in the examples tasks, merged by its trainer
 * ({@link ParallelTraining}, whose diagram shows the nodes it adds).
 */
public final class TopologyFactory {
    private TopologyFactory() {
    }

    /**
     * @param limits the largest records the topology may write, decided at start from the producer's
     *               settings and the topics' ({@link RecordLimits#KAFKA_DEFAULTS} for Kafka's defaults)
     */
    public static Topology build(StreamlearnConfig config, RecordLimits limits, ModelRegistry registry,
                                 TopologyListener listener) {
        return build(config, limits, Partitioning.declared(config), ModelCatalog.of(config), registry, listener);
    }

    /**
     * @param partitioning the examples topic's partition count, as found at start
     * @param catalog      the models trained and scored now, kept in step with the catalogue topic by the topology
     */
    public static Topology build(StreamlearnConfig config, RecordLimits limits, Partitioning partitioning,
                                 ModelCatalog catalog, ModelRegistry registry, TopologyListener listener) {
        Topology t = new Topology();
        var topics = config.topics();
        boolean repartition = partitioning.rekeys(config);
        PreCommitHooks hooks = new PreCommitHooks();
        RefusedUpdates refused = new RefusedUpdates(listener, System::nanoTime);

        t.addSource(Names.EXAMPLES_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.examples());
        String toTrainer = repartition ? Names.REPARTITION_SINK : Names.TRAIN;
        boolean parallel = ParallelTraining.anyModel(config);
        String afterValidate = parallel ? Names.PARALLEL_SPLIT : toTrainer;
        t.addProcessor(Names.EXAMPLES_VALIDATE, () -> new ExampleValidator(config, catalog, limits, afterValidate, listener),
                Names.EXAMPLES_SOURCE);
        t.addSink(Names.EXAMPLES_DEAD_LETTERS, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                Names.EXAMPLES_VALIDATE);
        // Requests (a retrain's result) reach the trainer beside its examples, so the trainer assigns
        // every version number. Partitioned by model as the trainer's examples are.
        t.addSource(Names.REQUESTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.requests());
        t.addProcessor(Names.REQUESTS_VALIDATE, () -> new RequestValidator(config, catalog, limits, listener), Names.REQUESTS_SOURCE);
        t.addSink(Names.REQUESTS_DEAD_LETTERS, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                Names.REQUESTS_VALIDATE);
        String examples = parallel
                ? ParallelTraining.addReplicas(t, config, partitioning, registry, listener, repartition, toTrainer)
                : Names.EXAMPLES_VALIDATE;
        if (repartition) {
            ExampleSerde serde = new ExampleSerde(config.maxFeatures());
            String internal = Names.repartitionTopic(config.applicationId());
            t.addSink(Names.REPARTITION_SINK, internal, new StringSerializer(), serde.serializer(), examples);
            t.addSource(Names.REPARTITION_SOURCE, new StringDeserializer(), serde.deserializer(), internal);
            t.addProcessor(Names.TRAIN, () -> new Trainer(config, catalog, limits, registry, listener, hooks, refused),
                    trainerParents(parallel, true, Names.REPARTITION_SOURCE));
        } else {
            t.addProcessor(Names.TRAIN, () -> new Trainer(config, catalog, limits, registry, listener, hooks, refused),
                    trainerParents(parallel, false, examples));
        }
        if (parallel) {
            ParallelTraining.addRoundStore(t);
        }
        t.addStateStore(modelStore(ModelRecordSizes.recordLimit(config)), Names.TRAIN);
        t.addStateStore(PreCommitStore.builder(Names.PRE_COMMIT_STORE, hooks), Names.TRAIN);
        t.addSink(Names.WEIGHTS_SINK, topics.weights(), new StringSerializer(), new ByteArraySerializer(), Names.TRAIN);
        t.addSink(Names.WEIGHTS_HISTORY_SINK, topics.weightsHistory(), new StringSerializer(), new ByteArraySerializer(),
                Names.TRAIN);
        t.addSink(Names.DRIFT_SINK, topics.drift(), new StringSerializer(), new ByteArraySerializer(), Names.TRAIN);
        t.addSink(Names.TRAIN_DEAD_LETTERS, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                Names.TRAIN);

        t.addSource(Names.EVENTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.events());
        t.addProcessor(Names.SCORE, () -> new Scorer(config, catalog, limits, registry, listener), Names.EVENTS_SOURCE);
        t.addSink(Names.SCORED_EVENTS_SINK, topics.scoredEvents(), new ByteArraySerializer(), new ByteArraySerializer(),
                Names.SCORE);
        t.addSink(Names.EVENTS_DEAD_LETTERS, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                Names.SCORE);

        // Before the weights' global store: a model added while the learner ran is in the catalogue when its weights are read.
        t.addGlobalStore(inMemoryGlobalStore(Names.CATALOGUE_GLOBAL_STORE), Names.CATALOGUE_GLOBAL_SOURCE,
                new StringDeserializer(), new ByteArrayDeserializer(), topics.catalogue(), Names.CATALOGUE_GLOBAL_UPDATE,
                () -> new CatalogueUpdater(catalog, listener));
        t.addGlobalStore(weightsStore(), Names.WEIGHTS_GLOBAL_SOURCE, new StringDeserializer(),
                new ByteArrayDeserializer(), topics.weights(), Names.WEIGHTS_GLOBAL_UPDATE,
                () -> new WeightsUpdater(config, catalog, registry, listener));
        return t;
    }

    private static String[] trainerParents(boolean parallel, boolean repartition, String examples) {
        if (!parallel) {
            return new String[] {examples, Names.REQUESTS_VALIDATE};
        }
        String[] in = ParallelTraining.trainerInputs(repartition, examples);
        String[] all = java.util.Arrays.copyOf(in, in.length + 1);
        all[in.length] = Names.REQUESTS_VALIDATE;
        return all;
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> modelStore(int recordLimit) {
        // No caching layer: the trainer already keeps learners decoded and writes each changed one
        // once per commit, from its pre-commit hook; a cache here would hold those writes past the
        // hook, until its own flush. The changelog takes the largest model's checkpoint.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Names.MODEL_STORE),
                Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(java.util.Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(recordLimit),
                        TopicConfig.SEGMENT_MS_CONFIG, Long.toString(TopicAdmin.COMPACTED_SEGMENT_MS)))
                .withCachingDisabled();
    }

    /**
     * In memory, rebuilt from the compacted weights topic at every start. A persistent global
     * store is left "open" on disk by a SIGKILL; under exactly-once Kafka Streams 4.4 then refuses
     * it (TaskCorruptedException) and, unlike a task's store, never wipes it, so every later start
     * failed (KAFKA-21034). The store holds one snapshot per model, which the topic has anyway.
     */
    private static StoreBuilder<KeyValueStore<String, byte[]>> weightsStore() {
        return inMemoryGlobalStore(Names.WEIGHTS_GLOBAL_STORE);
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> inMemoryGlobalStore(String name) {
        // A global store's changelog is its source topic.
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled();
    }
}
