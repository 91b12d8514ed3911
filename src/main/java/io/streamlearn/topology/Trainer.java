package io.streamlearn.topology;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.Example;
import io.streamlearn.codec.SnapshotMapper;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.learn.OnlineLearner;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Trains every model owned by this task, one example at a time in offset order (test, then
 * train), and publishes snapshots to the weights topic. The learner's full state (weights,
 * optimizer moments, the open batch, counters) is written to the changelog-backed store after
 * every example, so under exactly-once a crash anywhere resumes from exactly the committed
 * example. Learners are cached decoded: the store is read only when a task (re)starts.
 */
final class Trainer implements Processor<String, Example, String, byte[]> {
    private final StreamlearnConfig config;
    private final ModelRegistry registry;
    private final TopologyListener listener;
    private final Map<String, OnlineLearner> learners = new HashMap<>();
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private Codec<ModelCheckpoint> checkpoints;
    private Codec<WeightSnapshot> snapshots;
    private Codec<Example> exampleCodec;
    private boolean allLoaded;

    Trainer(StreamlearnConfig config, ModelRegistry registry, TopologyListener listener) {
        this.config = config;
        this.registry = registry;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(Names.MODEL_STORE);
        this.checkpoints = Codecs.checkpoints();
        this.snapshots = Codecs.snapshots(config.formats().weights());
        this.exampleCodec = Codecs.examples(config.formats().examples(), config.maxFeatures());
        // A task re-initialised after a failure must not keep learners that were never committed.
        learners.clear();
        allLoaded = false;
        long every = config.models().values().stream()
                .mapToLong(m -> Math.min(m.snapshot().everyMs(),
                        m.update().windowMs() > 0 ? m.update().windowMs() : Long.MAX_VALUE))
                .min().orElse(1000);
        context.schedule(Duration.ofMillis(Math.max(1, every)), PunctuationType.STREAM_TIME, this::onStreamTime);
    }

    @Override
    public void process(Record<String, Example> record) {
        try {
            train(record);
        } catch (RuntimeException unexpected) {
            // The learner in memory may be half-updated: forget it, the store holds the last good state.
            learners.remove(record.key());
            allLoaded = false;
            Record<byte[], byte[]> original = new Record<>(record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    exampleCodec.encode(record.value()), record.timestamp(), record.headers());
            listener.deadLetter(config.topics().examples(), DeadLetterReason.PROCESSING_ERROR);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Record<String, byte[]> dl = (Record) DeadLetters.of(original, context, DeadLetterReason.PROCESSING_ERROR,
                    "training failed: " + unexpected);
            context.forward(dl, Names.TRAIN_DEAD_LETTERS);
        }
    }

    private void train(Record<String, Example> record) {
        String model = record.key();
        OnlineLearner learner = learner(model);
        adoptRetrained(learner);
        Example e = record.value();
        long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
        int applied = learner.learn(e.features(), e.label(), e.labelVector(), record.timestamp(), streamTime);
        if (learner.snapshotDue(streamTime)) {
            publish(learner, streamTime);
        }
        persist(learner);
        listener.trained(learner, applied);
    }

    /** Stream time moved on: close due windows and publish due snapshots of every model of this task. */
    private void onStreamTime(long streamTime) {
        loadAll();
        for (OnlineLearner learner : learners.values()) {
            int applied = learner.closeDueWindow(streamTime);
            boolean due = learner.snapshotDue(streamTime);
            if (due) {
                publish(learner, streamTime);
            }
            if (applied > 0 || due) {
                persist(learner);
            }
        }
    }

    private void publish(OnlineLearner learner, long streamTime) {
        long version = learner.markPublished(streamTime);
        WeightSnapshot s = SnapshotMapper.snapshot(learner, version, streamTime, SnapshotSource.LIVE,
                version > 1 ? version - 1 : null);
        context.forward(new Record<>(learner.config().id(), snapshots.encode(s), streamTime), Names.WEIGHTS_SINK);
        listener.published(learner.config().id(), version, streamTime);
    }

    /**
     * A retrain publishes a newer version with source RETRAIN; the live trainer continues from
     * it. Which example it is adopted before depends on when the global thread saw it: adopting
     * is an operator's intervention, not part of the replayable stream.
     */
    private void adoptRetrained(OnlineLearner learner) {
        PublishedModel p = registry.get(learner.config().id());
        if (p != null && p.source() == SnapshotSource.RETRAIN && p.version() > learner.version()
                && p.version() > learner.adoptedVersion()) {
            learner.adopt(p.network(), p.version());
        }
    }

    private void persist(OnlineLearner learner) {
        store.put(learner.config().id(), checkpoints.encode(SnapshotMapper.checkpoint(learner)));
    }

    private OnlineLearner learner(String model) {
        OnlineLearner l = learners.get(model);
        if (l == null) {
            l = load(model);
            learners.put(model, l);
        }
        return l;
    }

    private OnlineLearner load(String model) {
        ModelConfig mc = config.model(model);
        byte[] bytes = store.get(model);
        if (bytes == null) {
            return OnlineLearner.fresh(mc);
        }
        return SnapshotMapper.learner(checkpoints.decode(bytes), mc);
    }

    private void loadAll() {
        if (allLoaded) {
            return;
        }
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (!learners.containsKey(kv.key) && config.model(kv.key) != null) {
                    learners.put(kv.key, SnapshotMapper.learner(checkpoints.decode(kv.value), config.model(kv.key)));
                }
            }
        }
        allLoaded = true;
    }

    @Override
    public void close() {
        learners.clear();
    }
}
