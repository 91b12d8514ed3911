package io.streamlearn.topology;

import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.DeltaMerge;
import io.streamlearn.model.FeatureScaler;
import io.streamlearn.model.MergeRule;
import io.streamlearn.model.Parameters;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge step of data-parallel models, run by the trainer that owns the model (so versions keep
 * one writer). Deltas wait in a changelogged store until their round is complete — one delta from
 * every replica — and then the round is merged into the model's parameters, the deltas added in
 * replica order ({@link DeltaMerge}): the merged weights depend on the deltas, not on how the
 * replicas' records interleaved on the way. A model that scales its features also adds every
 * replica's scaler statistics of the round to its own ({@link FeatureScaler#merge}), in replica
 * order. Rounds are merged in order; a delta of a round already
 * merged (only possible if it were delivered twice) is dropped, never applied again.
 *
 * <p>A replica whose partition gets no examples of the model sends no deltas and holds every later
 * round back: a parallel model's examples must reach every examples partition (keyed at random, say).
 * That is said in the log, naming the replicas waited for, when another replica's deltas are
 * {@link #STALLED_ROUNDS} rounds ahead of the oldest open round (and again at 8 times as many).
 */
final class RoundMerger {
    private static final Logger LOG = LoggerFactory.getLogger(RoundMerger.class);
    private static final String NEXT = "next";
    /** Rounds a delta may be ahead of the oldest open round before the wait is reported. */
    static final long STALLED_ROUNDS = 8;
    private final KeyValueStore<String, byte[]> store;

    /** What one call merged: rounds, their deltas and examples, and the newest example's timestamp. */
    record Merged(long firstRound, long lastRound, long deltas, long examples, long eventTime) {
        /** Says what the version is, and tells replicas which rounds it holds ({@link #mergedThrough}). */
        String reason() {
            return String.format(Locale.ROOT, "merged %d delta%s, %d examples (round %s)", deltas, deltas == 1 ? "" : "s",
                    examples, firstRound == lastRound ? Long.toString(lastRound) : firstRound + " to " + lastRound);
        }
    }

    private static final java.util.regex.Pattern ROUND = java.util.regex.Pattern.compile(
            "^merged \\d+ deltas?, \\d+ examples \\(round (?:\\d+ to )?(\\d+)\\)$");

    /**
     * The last round a version of a parallel model holds, read from its reason; -1 for a version
     * that is not a merge (a retrain's or rollback's, published by the same trainer): replicas adopt
     * only merged versions, and the next merge is made on top of such a version anyway.
     */
    static long mergedThrough(CharSequence reason) {
        if (reason == null) {
            return -1;
        }
        java.util.regex.Matcher m = ROUND.matcher(reason);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Logs, at 8, 64, 512… rounds of backlog, which replicas the oldest open round still waits for. */
    private void reportIfStalled(String model, ReplicaDelta d, long next) {
        long ahead = d.round() - next;
        if (ahead < STALLED_ROUNDS || Long.bitCount(ahead) != 1 || Long.numberOfTrailingZeros(ahead) % 3 != 0) {
            return;
        }
        List<Integer> missing = new ArrayList<>();
        for (int r = 0; r < d.replicas(); r++) {
            if (store.get(key(model, next, r)) == null) {
                missing.add(r);
            }
        }
        if (!missing.isEmpty()) {
            LOG.warn("Model '{}': round {} still waits for the delta of replica(s) {} (examples partition(s) {}) while replica {}"
                    + " is at round {}: nothing is merged until they send it. A partition that gets none or few of the"
                    + " model's examples holds every round back; key the model's examples at random, or leave the key out",
                    model, next, missing, missing, d.replica(), d.round());
        }
    }

    RoundMerger(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** The merger of a trainer's task, or null when no model is trained data-parallel (there is no store). */
    static RoundMerger of(ProcessorContext<?, ?> context, StreamlearnConfig config) {
        boolean any = config.models().values().stream().anyMatch(m -> m.isParallel());
        return any ? new RoundMerger(context.getStateStore(Names.ROUNDS_STORE)) : null;
    }

    /**
     * Takes one delta of {@code global}'s model; merges every round it completes into {@code global}'s
     * parameters (counting their examples) and returns what was merged, or null if no round completed.
     */
    Merged offer(String model, ReplicaDelta d, OnlineLearner global) {
        MergeRule rule = global.config().parallel().merge();
        long next = nextRound(model);
        if (d.round() < next) {
            LOG.warn("Model '{}': delta {} of replica {} arrived again after its round was merged; dropped", model,
                    d.round(), d.replica());
            return null;
        }
        if (d.replica() < 0 || d.replica() >= d.replicas()) {
            throw new IllegalStateException("model '" + model + "': replica " + d.replica() + " of " + d.replicas());
        }
        store.put(key(model, d.round(), d.replica()), d.encode());
        int replicas = d.replicas();
        reportIfStalled(model, d, next);
        double[] params = new double[Parameters.count(global.network())];
        long first = next;
        long rounds = 0;
        long deltas = 0;
        long examples = 0;
        long time = Long.MIN_VALUE;
        while (true) {
            ReplicaDelta[] round = new ReplicaDelta[replicas];
            for (int r = 0; r < replicas; r++) {
                byte[] b = store.get(key(model, next, r));
                if (b == null) {
                    round = null;
                    break;
                }
                round[r] = ReplicaDelta.decode(b);
                if (round[r].replicas() != replicas) {
                    throw new IllegalStateException("model '" + model + "': round " + next + " has deltas of "
                            + round[r].replicas() + " and of " + replicas + " replicas; the examples topic's partitions"
                            + " changed while a round was open");
                }
            }
            if (round == null) {
                break;
            }
            double[][] vectors = new double[replicas][];
            long[] counts = new long[replicas];
            for (int r = 0; r < replicas; r++) {
                vectors[r] = round[r].delta();
                counts[r] = round[r].examples();
                examples += counts[r];
                time = Math.max(time, round[r].eventTime());
                store.delete(key(model, next, r));
            }
            Parameters.read(global.network(), params);
            DeltaMerge.merge(params, vectors, counts, rule, params);
            Parameters.write(params, global.network());
            FeatureScaler scaler = global.network().scaler();
            if (scaler != null) {
                // Statistics are counts, not steps: every replica's are added in full, whatever the rule.
                for (ReplicaDelta each : round) {
                    scaler.merge(each.statistics());
                }
            }
            rounds++;
            deltas += replicas;
            next++;
        }
        if (rounds == 0) {
            return null;
        }
        store.put(model + "\u0000" + NEXT, ByteBuffer.allocate(8).putLong(next).array());
        global.countMerged(examples, time);
        return new Merged(first, next - 1, deltas, examples, time);
    }

    private long nextRound(String model) {
        byte[] b = store.get(model + "\u0000" + NEXT);
        return b == null ? 0 : ByteBuffer.wrap(b).getLong();
    }

    private static String key(String model, long round, int replica) {
        return model + "\u0000" + round + "\u0000" + replica;
    }
}
