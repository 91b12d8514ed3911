package io.streamlearn.topology;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Parameters;
import io.streamlearn.model.ScalerStatistics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.snapshot.SnapshotFit;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Trains this examples partition's replica of every data-parallel model on the partition's
 * examples, in offset order, and every {@code syncEvery} of them sends what it learned since its
 * base as a {@link ReplicaDelta} towards the model's trainer, which merges rounds
 * ({@link RoundMerger}) and publishes them. The replica id is the examples partition.
 *
 * <p>After sending, the replica rebases on the newest merged version it can see (the weights store
 * every task reads) when that is newer than its base, adding back its own deltas that version does
 * not include (the version names the last of this replica's rounds it holds); otherwise it keeps its
 * own weights. Either way its weights become
 * the next base, so what it sent is never sent again. Which merged version it sees at a sync point
 * depends on how fast the merge and the global store were, not only on the input: the published
 * weights of a parallel model with several replicas are not bit-for-bit reproducible, though every
 * example is learned by exactly one replica once and every delta merged exactly once (its state,
 * its delta and its offsets commit in one transaction under exactly-once). A model that scales its
 * features sends its scaler's statistics of the round's examples with each delta; on rebasing the
 * replica's scaler becomes the merged one's plus its own unmerged rounds', so every replica
 * standardises with (nearly) the statistics of all examples, and its weights fit that scaling. A
 * fresh replica of a model that has merged versions from before (a new application id) starts from
 * its own initial weights; it adopts the merged ones at its first sync.
 */
final class Replica implements Processor<String, Object, Object, Object> {
    private static final String PRE_COMMIT_MARK = "dirty";
    private static final byte[] MARK = new byte[0];
    private final StreamlearnConfig config;
    private final ModelRegistry registry;
    private final TopologyListener listener;
    private final PreCommitHooks hooks;
    private final String deltasTo;
    private final int replicaCount;
    private final Map<String, ReplicaState> replicas = new HashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;
    private KeyValueStore<String, byte[]> preCommit;
    private Codec<ModelCheckpoint> checkpoints;
    private int replicaId;

    /**
     * @param deltasTo     the child deltas are forwarded to: the trainer, or the sink of the deltas topic
     * @param replicaCount the examples topic's partitions: every one trains a replica, and a round is complete
     *                     when all of them sent their delta
     */
    Replica(StreamlearnConfig config, ModelRegistry registry, TopologyListener listener, PreCommitHooks hooks,
            String deltasTo, int replicaCount) {
        this.replicaCount = replicaCount;
        this.config = config;
        this.registry = registry;
        this.listener = listener;
        this.hooks = hooks;
        this.deltasTo = deltasTo;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(Names.REPLICA_STORE);
        this.preCommit = context.getStateStore(Names.REPLICA_PRE_COMMIT_STORE);
        this.checkpoints = Codecs.checkpoints();
        this.replicaId = context.taskId().partition();
        replicas.clear();
        dirty.clear();
        hooks.register(context.taskId(), this::writeDirty);
    }

    @Override
    public void process(Record<String, Object> record) {
        String model = record.key();
        try {
            ReplicaState r = replica(model);
            LabeledExample e = record.value() instanceof Originals.Validated v ? v.example() : (LabeledExample) record.value();
            int applied = r.learner.learn(e.features(), e.label(), record.timestamp());
            listener.replicaTrained(r.learner, replicaId, applied);
            if (r.roundScaler != null) {
                // The same example the learner's scaler just learned: the round's share of its statistics.
                r.roundScaler.learn(e.features());
            }
            r.examplesInRound++;
            if (r.examplesInRound >= config.model(model).parallel().syncEvery()) {
                sync(model, r);
            }
            markDirty(model);
        } catch (RuntimeException bug) {
            // As in the trainer: memory may be ahead of the store; failing the task replays from the committed state.
            replicas.clear();
            dirty.clear();
            throw new StreamsException("replica " + replicaId + " of model '" + model + "' failed on a validated example",
                    bug);
        }
    }

    private void sync(String model, ReplicaState r) {
        OnlineLearner learner = r.learner;
        double[] delta = new double[r.base.length];
        Parameters.delta(learner.network(), r.base, delta);
        long time = learner.eventTime();
        ScalerStatistics statistics = ScalerStatistics.of(r.roundScaler);
        if (r.roundScaler != null) {
            r.roundScaler.reset();
        }
        ReplicaDelta d = new ReplicaDelta(replicaId, replicaCount, r.round, r.baseVersion, r.examplesInRound, time, delta,
                statistics);
        context.forward(new Record<Object, Object>(model, d, time), deltasTo);
        r.unmerged.add(delta);
        r.unmergedStatistics.add(statistics);
        r.round++;
        r.examplesInRound = 0;
        if (!rebase(r, registry.get(model))) {
            Parameters.read(learner.network(), r.base);
        }
    }

    /**
     * Takes the newest merged version if it is newer than the one this replica is based on: its
     * parameters plus this replica's own deltas of the rounds it does not include yet (still on their
     * way to the merge, or late), so the replica gains the others' progress without losing its own.
     * The version says which of this replica's rounds it holds ({@link RoundMerger#mergedThrough(CharSequence, int)}):
     * a round may be merged without a replica that lagged, so the version's last round does not say.
     * False if there is nothing newer, or it does not fit.
     */
    private boolean rebase(ReplicaState r, DecodedSnapshot global) {
        if (global == null || SnapshotFit.mismatch(r.learner.config().spec(), global.network().spec()) != null) {
            return false;
        }
        String reason = global.snapshot().getReason();
        if (RoundMerger.mergedThrough(reason) < 0 || global.version() <= r.baseVersion) {
            return false;
        }
        long held = RoundMerger.mergedThrough(reason, replicaId);
        // Rounds this replica has not sent (a version of an earlier application id), or fewer of its rounds
        // than it has already dropped from its unmerged ones: nothing to rebuild its own progress from.
        if (held >= r.round || held < r.adoptedThrough) {
            return false;
        }
        while (r.adoptedThrough < held) {
            r.unmerged.poll();
            r.unmergedStatistics.poll();
            r.adoptedThrough++;
        }
        Parameters.read(global.network(), r.base);
        for (double[] mine : r.unmerged) {
            for (int i = 0; i < mine.length; i++) {
                r.base[i] += mine[i];
            }
        }
        Parameters.write(r.base, r.learner.network());
        if (r.learner.network().scaler() != null) {
            // Scaled as the merged model scales, plus this replica's examples it has not merged yet.
            r.learner.network().scaler().rebase(ScalerStatistics.of(global.network().scaler()), r.unmergedStatistics);
        }
        r.baseVersion = global.version();
        return true;
    }

    private ReplicaState replica(String model) {
        ReplicaState r = replicas.get(model);
        if (r == null) {
            ModelConfig mc = config.model(model);
            byte[] bytes = store.get(model);
            if (bytes != null) {
                r = ReplicaState.decode(bytes, mc, checkpoints);
            } else {
                OnlineLearner fresh = OnlineLearner.fresh(mc);
                double[] base = new double[Parameters.count(fresh.network())];
                r = new ReplicaState(fresh, base, 0, 0, 0, -1, new java.util.ArrayDeque<>());
                Parameters.read(fresh.network(), base);
            }
            replicas.put(model, r);
        }
        return r;
    }

    private void markDirty(String model) {
        boolean wasClean = dirty.isEmpty();
        dirty.add(model);
        if (wasClean) {
            preCommit.put(PRE_COMMIT_MARK, MARK);
        }
    }

    private void writeDirty() {
        for (String model : dirty) {
            store.put(model, replicas.get(model).encode(checkpoints));
        }
        dirty.clear();
    }

    @Override
    public void close() {
        hooks.unregister(context.taskId());
        replicas.clear();
        dirty.clear();
    }
}
