package io.streamlearn.topology;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.DriftRecord;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.eval.DriftDetector;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.snapshot.SnapshotFit;
import io.streamlearn.snapshot.SnapshotMapper;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains every model owned by this task, one example at a time in offset order (test, then
 * train), and publishes snapshots to the weights topic. Learners live decoded in memory; the
 * full state of each one that changed (weights, optimizer moments, the open batch, counters) is
 * written to the changelog-backed store just before Kafka Streams commits (see
 * {@link PreCommitStore}), so under exactly-once a crash anywhere resumes from exactly the
 * state of the last committed offsets. The store is read only when a task (re)starts.
 *
 * <p>Time is each model's own event time ({@link OnlineLearner#eventTime}), never the task's
 * stream time: that is the newest timestamp of any record of the task — another model's, a
 * request's, one dead-lettered upstream — so through it one model's records would close another's
 * windows and one record stamped far ahead would stop every model's windows and timed
 * publications. A window-mode example whose window has closed is dead-lettered {@code LATE} here,
 * the one refusal only a model's state can make. The wall clock only publishes what a model that
 * has had no example for {@code snapshot.everyMs} learned since its last version.
 */
final class Trainer implements Processor<String, Object, Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Headers of a request copied onto the version it becomes: its lineage. */
    static final String LINEAGE_HEADER_PREFIX = "streamlearn.";
    private static final String PRE_COMMIT_MARK = "dirty";
    private static final byte[] MARK = new byte[0];
    private final StreamlearnConfig config;
    private final ModelCatalog catalog;
    /** The catalogue's generation the loaded learners were last checked against. */
    private long catalogGeneration;
    private final RecordLimits limits;
    private final ModelRegistry registry;
    private final TopologyListener listener;
    private final Map<String, OnlineLearner> learners = new HashMap<>();
    /** Learners changed since the last write, in first-change order (so writes are in a fixed order). */
    private final Set<OnlineLearner> dirty = new LinkedHashSet<>();
    private final PreCommitHooks hooks;
    private final RefusedUpdates refusedUpdates;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;
    private KeyValueStore<String, byte[]> preCommit;
    private Codec<ModelCheckpoint> checkpoints;
    private Codec<WeightSnapshot> snapshots;
    private Codec<DriftRecord> drifts;
    /** Null unless a model is trained data-parallel. */
    private RoundMerger rounds;
    private boolean allLoaded;
    /**
     * Wall-clock time of each loaded model's last example, or of its loading (not state: it only
     * times publishing). One cell per model, set in place: nothing is allocated per example.
     */
    private final Map<OnlineLearner, long[]> lastInputWallClock = new HashMap<>();

    Trainer(StreamlearnConfig config, ModelCatalog catalog, RecordLimits limits, ModelRegistry registry,
            TopologyListener listener, PreCommitHooks hooks, RefusedUpdates refusedUpdates) {
        this.catalog = catalog;
        this.hooks = hooks;
        this.refusedUpdates = refusedUpdates;
        this.config = config;
        this.limits = limits;
        this.registry = registry;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(Names.MODEL_STORE);
        this.preCommit = context.getStateStore(Names.PRE_COMMIT_STORE);
        this.checkpoints = Codecs.checkpoints();
        Topics topics = Topics.of(config);
        this.snapshots = topics.weights().codec();
        this.drifts = topics.drift().codec();
        this.rounds = RoundMerger.of(context, config);
        // A task re-initialised after a failure must not keep learners that were never committed.
        learners.clear();
        dirty.clear();
        lastInputWallClock.clear();
        allLoaded = false;
        catalogGeneration = catalog.generation();
        hooks.register(context.taskId(), this::writeDirty);
        long idle = catalog.models().values().stream().mapToLong(m -> m.snapshot().everyMs()).min().orElse(1000);
        context.schedule(Duration.ofMillis(Math.max(100, Math.min(idle / 2, 1000))), PunctuationType.WALL_CLOCK_TIME,
                this::onWallClock);
    }

    @Override
    public void process(Record<String, Object> record) {
        try {
            if (catalog.generation() != catalogGeneration) {
                followCatalogue();
            }
            if (record.value() instanceof ModelRequest request) {
                fulfil(record.key(), request, record.timestamp());
                return;
            }
            if (record.value() instanceof ReplicaDelta delta) {
                merge(record.key(), delta);
                return;
            }
            train(record);
        } catch (RuntimeException bug) {
            // Validation let the example through, so this is a defect, not bad input. The learner in
            // memory may be half-updated and the store is one commit behind it: failing the task is
            // the only way that loses nothing (under exactly-once the transaction aborts and the
            // examples since the last commit are learned again from the committed state).
            learners.clear();
            dirty.clear();
            lastInputWallClock.clear();
            allLoaded = false;
            throw new StreamsException("training model '" + record.key() + "' failed on a validated example", bug);
        }
    }

    private void train(Record<String, Object> record) {
        String model = record.key();
        OnlineLearner learner = learner(model);
        if (learner == null) {
            // Retired after its examples were validated (they may wait in the re-keying topic).
            deadLetter(record, DeadLetterReason.MODEL_RETIRED, io.streamlearn.config.ModelResolver.retired(model));
            return;
        }
        lastInputWallClock.get(learner)[0] = context.currentSystemTimeMs();
        LabeledExample e = record.value() instanceof Originals.Validated v ? v.example() : (LabeledExample) record.value();
        OnlineLearner.Window closed = learner.closedWindowOf(record.timestamp());
        if (closed != null) {
            learner.countLate();
            persist(learner);
            listener.late(learner);
            deadLetter(record, DeadLetterReason.LATE, lateDetail(learner, record.timestamp(), closed));
            return;
        }
        long refusedBefore = learner.updatesRefused();
        int applied = learner.learn(e.features(), e.label(), record.timestamp());
        long time = learner.eventTime();
        if (learner.lastSignal() == DriftDetector.Signal.DRIFT) {
            // A drift is published at once, as a version that says why: readers of weights see when the model changed course.
            String reason = driftReason(learner);
            LOG.info("Model '{}': {}", model, reason);
            long version = publish(learner, time, reason);
            var window = learner.drift().driftWindow();
            DriftRecord drift = new DriftRecord(model, version, learner.examplesSeen(), window.meanBeforeCut(),
                    window.meanAfterCut(), learner.config().drift().action().name().toLowerCase(java.util.Locale.ROOT),
                    time);
            context.forward(new Record<>(model, drifts.encode(drift), time), Names.DRIFT_SINK);
        } else if (learner.snapshotDue(time)) {
            publish(learner, time);
        }
        persist(learner);
        listener.trained(learner, applied);
        refusedUpdates.report(learner, refusedBefore);
    }

    /**
     * A data-parallel model's replica sent a delta: a completed round, one merged without a replica that lags
     * {@code maxLag} rounds, or a late delta becomes the model's next version.
     */
    private void merge(String model, ReplicaDelta delta) {
        ModelConfig declared = config.model(model);
        if (rounds == null || declared == null || !declared.isParallel()) {
            // Sent before a restart that dropped 'parallel:' from the model: its replicas are gone, the round can never complete.
            LOG.warn("Model '{}' is not declared parallel now: delta {} of replica {} ({} examples) dropped", model,
                    delta.round(), delta.replica(), delta.examples());
            return;
        }
        OnlineLearner learner = learner(model);
        if (learner == null) {
            // Retired from the catalogue: its replicas' last deltas are not merged (its state stays for a 'model add').
            LOG.info("Model '{}' is retired: delta {} of replica {} ({} examples) not merged", model, delta.round(),
                    delta.replica(), delta.examples());
            return;
        }
        RoundMerger.Merged merged = rounds.offer(model, delta, learner);
        if (merged != null) {
            publish(learner, learner.eventTime(), merged.reason());
            persist(learner);
        }
    }

    /** What a LATE dead letter says: its window, when that closed, and the model's event time now. */
    static String lateDetail(OnlineLearner learner, long timestamp, OnlineLearner.Window w) {
        return "timestamp " + timestamp + " is in window [" + w.start() + ", " + w.end() + ") of model '"
                + learner.config().id() + "', which closed at event time " + w.closesAt() + " (its end + graceMs "
                + learner.config().eventTime().graceMs() + "); the model's event time is " + learner.eventTime();
    }

    private void deadLetter(Record<String, Object> record, DeadLetterReason reason, String detail) {
        Record<byte[], byte[]> dl = record.value() instanceof Originals.Validated v
                ? DeadLetters.of(v.original(), context, reason, detail, limits.deadLetters())
                : Originals.deadLetter(record.headers(), record.timestamp(), reason, detail, limits.deadLetters());
        listener.deadLetter(config.topics().examples(), DeadLetters.reason(dl));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Record<Object, Object> out = (Record) dl;
        context.forward(out, Names.TRAIN_DEAD_LETTERS);
    }

    /**
     * A model has had no example for {@code snapshot.everyMs} of wall-clock time: what it learned
     * but did not publish yet goes out, so a quiet model does not leave its weights stale however
     * busy the other models of its task are. Only publishing is timed by the wall clock; no update
     * is applied or window closed here, so the weights a stream yields stay the same whenever it
     * pauses.
     */
    private void onWallClock(long now) {
        if (catalog.generation() != catalogGeneration) {
            followCatalogue();
        }
        loadAll();
        for (OnlineLearner learner : learners.values()) {
            long last = lastInputWallClock.get(learner)[0];
            if (learner.updatesSincePublish() > 0 && now - last >= learner.config().snapshot().everyMs()) {
                publish(learner, Math.max(learner.eventTime(), learner.lastPublishTime()));
                persist(learner);
            }
        }
    }

    /**
     * What a drift published as a version says: the error before and after the cut, and what the
     * model did — reset its optimizer, or (background) whether the learner trained since the
     * warning was swapped in, with its error and the model's over the same examples.
     */
    static String driftReason(OnlineLearner learner) {
        var window = learner.drift().driftWindow();
        String done = switch (learner.config().drift().action()) {
            case RESET -> "; optimizer state reset";
            case BACKGROUND -> learner.lastBackgroundOutcome() == null ? "" : "; " + learner.lastBackgroundOutcome().describe();
            case REPORT -> "";
        };
        return String.format(java.util.Locale.ROOT, "drift: prequential error %.4f → %.4f at example %d%s",
                window.meanBeforeCut(), window.meanAfterCut(), learner.examplesSeen(), done);
    }

    private void publish(OnlineLearner learner, long time) {
        publish(learner, time, null);
    }

    /** Returns the version published. */
    private long publish(OnlineLearner learner, long time, String reason) {
        return publish(learner, time, time, reason);
    }

    /**
     * @param modelTime  the model's time of the publication ({@link OnlineLearner#NO_TIME} before its first record)
     * @param recordTime the record's timestamp
     */
    private long publish(OnlineLearner learner, long modelTime, long recordTime, String reason) {
        long version = learner.markPublished(modelTime);
        WeightSnapshot s = SnapshotMapper.snapshot(learner, version, recordTime, SnapshotSource.LIVE,
                version > 1 ? version - 1 : null);
        s.setReason(reason);
        emit(new Record<>(learner.config().id(), snapshots.encode(s), recordTime));
        listener.published(learner.config().id(), version, recordTime);
        return version;
    }

    /** One published version: the newest on weights, and kept in the history for rollbacks. */
    private void emit(Record<String, byte[]> version) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Record<Object, Object> out = (Record) version;
        context.forward(out, Names.WEIGHTS_SINK);
        context.forward(out, Names.WEIGHTS_HISTORY_SINK);
    }

    /**
     * A request's weights become the model's next version, numbered here like every other: the
     * weights and optimizer state replace the learner's, its open batch is dropped, its counters
     * and prequential figures go on. What the learner learned since the request's replay ended
     * is replaced with the rest; the published version names its parent (the learner's version
     * before) and carries the request's {@code streamlearn.} headers (the replayed range).
     */
    private void fulfil(String model, ModelRequest request, long timestamp) {
        OnlineLearner learner = learner(model);
        if (learner == null) {
            LOG.warn("A {} request for model '{}' arrived as the model was retired: not published", request.snapshot().source(),
                    model);
            return;
        }
        long parent = learner.version();
        learner.adopt(request.snapshot().network(), parent);
        // Published at the model's event time, which a request (stamped when it was sent) must not move; a model that
        // has learned nothing yet has none, and the record takes the request's timestamp.
        long version = learner.markPublished(learner.eventTime());
        long time = learner.eventTime() != OnlineLearner.NO_TIME ? learner.eventTime() : timestamp;
        WeightSnapshot s = SnapshotMapper.snapshot(learner, version, time, request.snapshot().source(),
                parent > 0 ? parent : null);
        Record<String, byte[]> out = new Record<>(model, snapshots.encode(s), time);
        for (Header h : request.headers()) {
            if (h.key().startsWith(LINEAGE_HEADER_PREFIX)) {
                out.headers().add(h.key(), h.value());
            }
        }
        emit(out);
        listener.published(model, version, time);
        persist(learner);
        LOG.info("Model '{}' version {} published from a {} request (parent {})", model, version,
                request.snapshot().source(), parent);
    }

    /** Call after the learner's last change in this call: the hook may run (and write it) at once. */
    private void persist(OnlineLearner learner) {
        boolean wasClean = dirty.isEmpty();
        dirty.add(learner);
        if (wasClean) {
            // One mark per commit is enough: it stays in the cache until the hook runs, and the
            // hook empties the set, so the next change marks again.
            preCommit.put(PRE_COMMIT_MARK, MARK);
        }
    }

    /** Runs when the mark reaches the {@link PreCommitStore}, before the commit: one write per changed model. */
    private void writeDirty() {
        for (OnlineLearner learner : dirty) {
            store.put(learner.config().id(), checkpoints.encode(SnapshotMapper.checkpoint(learner)));
        }
        dirty.clear();
    }

    /** The model's learner, loaded on first use; null when the model is not active in the catalogue. */
    private OnlineLearner learner(String model) {
        OnlineLearner l = learners.get(model);
        if (l == null) {
            if (catalog.model(model) == null) {
                return null;
            }
            l = load(model);
            learners.put(model, l);
            lastInputWallClock.put(l, new long[] {context.currentSystemTimeMs()});
        }
        return l;
    }

    private OnlineLearner load(String model) {
        ModelConfig mc = catalog.model(model);
        byte[] bytes = store.get(model);
        if (bytes == null) {
            return continuingLineage(OnlineLearner.fresh(mc));
        }
        return restored(mc, bytes);
    }

    /**
     * The learner of a checkpoint, under the settings declared now. A checkpoint of another shape
     * or loss is normally refused at start (against the newest published version); one never
     * published cannot be checked there, and failing the task would fail it at every restart: its
     * model starts afresh, numbered after it.
     */
    private OnlineLearner restored(ModelConfig mc, byte[] bytes) {
        ModelCheckpoint c = checkpoints.decode(bytes);
        String problem = SnapshotFit.mismatch(mc.spec(), SnapshotMapper.spec(c.getSnapshot().getSpec()));
        if (problem == null) {
            return SnapshotMapper.learner(c, mc);
        }
        OnlineLearner fresh = OnlineLearner.fresh(mc);
        fresh.continueAfter(c.getSnapshot().getVersion());
        LOG.warn("Model '{}' was declared with another shape or loss than its unpublished state ({}): it starts afresh,"
                + " after version {}", mc.id(), problem, c.getSnapshot().getVersion());
        return fresh;
    }

    /**
     * A model without state here (a new application id, a reset, a lost changelog) whose versions
     * are on the weights topic continues after the newest one: every instance drops a snapshot
     * not newer than what it holds, so starting again at version 1 would go unseen. It continues
     * from those weights when they fit its spec, else from its own initialisation.
     */
    private OnlineLearner continuingLineage(OnlineLearner fresh) {
        String model = fresh.config().id();
        DecodedSnapshot newest = registry.get(model);
        if (newest == null) {
            return fresh;
        }
        String problem = SnapshotFit.mismatch(fresh.config().spec(), newest.network().spec());
        if (problem == null) {
            fresh.adopt(newest.network(), newest.version());
            LOG.info("Model '{}' has no state in this application; continuing from version {} on '{}'", model,
                    newest.version(), config.topics().weights());
        } else {
            fresh.continueAfter(newest.version());
            LOG.warn("Model '{}' has no state in this application and version {} on '{}' does not fit it ({});"
                    + " starting from its own initial weights, at version {}", model, newest.version(),
                    config.topics().weights(), problem, newest.version() + 1);
        }
        return fresh;
    }

    /**
     * The catalogue changed (a model added, changed or retired on some instance): each loaded learner
     * follows it here, between two records. A retired model publishes what it learned since its last
     * version and is dropped from memory (its state stays in the store: {@code model add} continues
     * it). A changed model is rebuilt under its new settings as a restart would rebuild it, and
     * publishes the next version saying what changed. A change of shape or loss never gets here
     * (the catalogue refuses it); one that did is left unapplied, with a WARN.
     *
     * <p>When it applies depends on when this instance received the change, not on the examples'
     * offsets: a change is an operator's act at a wall-clock time, and its version records where it
     * took effect (the model's examples seen, in the version's figures).
     */
    private void followCatalogue() {
        catalogGeneration = catalog.generation();
        for (var it = learners.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            OnlineLearner learner = entry.getValue();
            ModelConfig now = catalog.model(entry.getKey());
            if (now == null) {
                if (learner.updatesSincePublish() > 0) {
                    publish(learner, learner.eventTime(), recordTime(learner), "retired from the catalogue");
                    persist(learner);
                }
                it.remove();
                lastInputWallClock.remove(learner);
                listener.retired(entry.getKey());
                LOG.info("Model '{}' retired: no longer trained here (its last version is {})", entry.getKey(),
                        learner.version());
                continue;
            }
            if (io.streamlearn.config.ModelEntry.same(now, learner.config())) {
                continue;
            }
            var refused = io.streamlearn.config.ModelEntry.refusedChanges(learner.config(), now);
            if (!refused.isEmpty()) {
                LOG.warn("Model '{}' changed its shape in the catalogue ({}): not applied, it goes on as it was",
                        entry.getKey(), String.join(", ", refused));
                continue;
            }
            long time = recordTime(learner);
            var was = SnapshotMapper.snapshot(learner, learner.version(), time, SnapshotSource.LIVE, null);
            var changes = io.streamlearn.snapshot.ModelChanges.between(now, was).applied();
            OnlineLearner rebuilt = SnapshotMapper.learner(SnapshotMapper.checkpoint(learner), now);
            entry.setValue(rebuilt);
            lastInputWallClock.put(rebuilt, lastInputWallClock.remove(learner));
            dirty.remove(learner);
            String reason = "configuration changed in the catalogue: "
                    + (changes.isEmpty() ? "snapshot, drift or event-time settings" : String.join(", ", changes));
            long version = publish(rebuilt, rebuilt.eventTime(), time, reason);
            persist(rebuilt);
            LOG.info("Model '{}' version {}: {}", entry.getKey(), version, reason);
        }
    }

    /** The timestamp of a version published outside an example: the model's event time, or the wall clock before it has one. */
    private long recordTime(OnlineLearner learner) {
        return learner.eventTime() != OnlineLearner.NO_TIME ? learner.eventTime() : context.currentSystemTimeMs();
    }

    private void loadAll() {
        if (allLoaded) {
            return;
        }
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (!learners.containsKey(kv.key) && catalog.model(kv.key) != null) {
                    OnlineLearner l = restored(catalog.model(kv.key), kv.value);
                    learners.put(kv.key, l);
                    // What it learned before a restart and never published goes out once it has been quiet long enough.
                    lastInputWallClock.put(l, new long[] {context.currentSystemTimeMs()});
                }
            }
        }
        allLoaded = true;
    }

    @Override
    public void close() {
        hooks.unregister(context.taskId());
        learners.clear();
        dirty.clear();
        lastInputWallClock.clear();
    }
}
