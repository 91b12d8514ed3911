package io.streamlearn.topology;

import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.DeltaMerge;
import io.streamlearn.model.FeatureScaler;
import io.streamlearn.model.MergeRule;
import io.streamlearn.model.Parameters;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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
 * order. Rounds are merged in order.
 *
 * <p>The wait is bounded: a partition that gets none or few of the model's examples must not hold
 * the model back forever. Once any replica's delta is {@code parallel.maxLag} rounds ahead of a
 * round, that round is merged with the deltas it has, the missing replicas excused (and said so in
 * the log, at the first round and again at 8, 64, 512… rounds without them). A delta of a round
 * merged without it is late: it waits, in arrival order, and joins the next merge after that round's
 * own deltas, as one more contribution. Each replica sends its rounds in order and the trainer reads
 * them in order, so what has been merged of a replica is always a prefix of its rounds: one
 * watermark per replica (the last of its rounds merged) says which of its deltas a version holds.
 * The version's reason carries the watermarks that differ from its last round
 * ({@link #mergedThrough(CharSequence, int)}), for the replica to know which of its own deltas to
 * add back when it adopts the version. A delta at or below its replica's watermark (or already
 * waiting as late) was delivered twice and is dropped, never applied again.
 *
 * <p>With every replica within {@code maxLag} rounds of the others a round's result depends only on
 * its deltas; once one lags, which round its late deltas join depends on when they arrive.
 */
final class RoundMerger {
    private static final Logger LOG = LoggerFactory.getLogger(RoundMerger.class);
    private static final String NEXT = "next";
    private static final String LATE = "late";
    private final KeyValueStore<String, byte[]> store;

    /**
     * What one call merged: rounds, their deltas (late ones included) and examples, the newest
     * example's timestamp, and every replica's watermark after it.
     */
    record Merged(long firstRound, long lastRound, long deltas, long examples, long eventTime, long[] through) {
        /** Says what the version is, and tells replicas which of their rounds it holds ({@link #mergedThrough}). */
        String reason() {
            StringBuilder behind = new StringBuilder();
            for (int r = 0; r < through.length; r++) {
                if (through[r] != lastRound) {
                    behind.append(behind.length() == 0 ? "; " : ", ").append("replica ").append(r).append(" through round ")
                            .append(through[r]);
                }
            }
            return String.format(Locale.ROOT, "merged %d delta%s, %d examples (round %s%s)", deltas, deltas == 1 ? "" : "s",
                    examples, firstRound == lastRound ? Long.toString(lastRound) : firstRound + " to " + lastRound, behind);
        }
    }

    private static final java.util.regex.Pattern ROUND = java.util.regex.Pattern.compile(
            "^merged \\d+ deltas?, \\d+ examples \\(round (?:\\d+ to )?(\\d+)"
                    + "((?:; replica \\d+ through round -?\\d+)(?:, replica \\d+ through round -?\\d+)*)?\\)$");
    private static final java.util.regex.Pattern REPLICA = java.util.regex.Pattern.compile(
            "replica (\\d+) through round (-?\\d+)");

    /**
     * The last round a version of a parallel model holds, read from its reason; -1 for a version
     * that is not a merge (a retrain's or rollback's, published by the same trainer): replicas adopt
     * only merged versions, and the next merge is made on top of such a version anyway.
     */
    static long mergedThrough(CharSequence reason) {
        java.util.regex.Matcher m = reason == null ? null : ROUND.matcher(reason);
        return m != null && m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * The last of {@code replica}'s rounds a merged version holds (all of its rounds up to it, none
     * after): the version's last round unless the reason names the replica as behind; -1 for a
     * version that is not a merge.
     */
    static long mergedThrough(CharSequence reason, int replica) {
        java.util.regex.Matcher m = reason == null ? null : ROUND.matcher(reason);
        if (m == null || !m.matches()) {
            return -1;
        }
        if (m.group(2) != null) {
            java.util.regex.Matcher each = REPLICA.matcher(m.group(2));
            while (each.find()) {
                if (Integer.parseInt(each.group(1)) == replica) {
                    return Long.parseLong(each.group(2));
                }
            }
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Logs that round {@code n} goes without the replicas in {@code missing}: at the first round
     * of a replica's stall (it is reset when the replica is in a complete round again), then at 8, 64,
     * 512… rounds without it, so a partition that never gets the model's examples is named a few
     * times, not once a round.
     */
    private static void reportExcused(String model, long n, List<Integer> missing, Progress p, int maxLag) {
        boolean due = false;
        List<Long> without = new ArrayList<>();
        for (int r : missing) {
            long k = p.excused[r];
            due |= Long.bitCount(k) == 1 && Long.numberOfTrailingZeros(k) % 3 == 0;
            without.add(k);
        }
        if (due) {
            LOG.warn("Model '{}': round {} was merged without replica(s) {} (examples partition(s) {}), which were {} or more"
                    + " rounds behind the newest delta (round {}, parallel.maxLag {}; rounds merged without each so far: {})."
                    + " Their deltas will join a later merge when they come. A partition that gets none or few of the model's"
                    + " examples lags like this; key the model's examples at random, or leave the key out",
                    model, n, missing, missing, p.maxSeen - n, p.maxSeen, maxLag, without);
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
     * Takes one delta of {@code global}'s model; merges every round it completes, or that another
     * replica's deltas are {@code parallel.maxLag} rounds ahead of, into {@code global}'s parameters
     * (counting their examples), with the late deltas waiting, and returns what was merged, or null if
     * nothing was.
     */
    Merged offer(String model, ReplicaDelta d, OnlineLearner global) {
        MergeRule rule = global.config().parallel().merge();
        int maxLag = global.config().parallel().maxLag();
        if (d.replica() < 0 || d.replica() >= d.replicas()) {
            throw new IllegalStateException("model '" + model + "': replica " + d.replica() + " of " + d.replicas());
        }
        Progress p = progress(model, d.replicas());
        if (d.round() < p.next) {
            if (d.round() <= p.taken[d.replica()]) {
                LOG.warn("Model '{}': delta {} of replica {} arrived again after it was merged or queued; dropped", model,
                        d.round(), d.replica());
                return null;
            }
            // Its round was merged without it: it joins the next merge, after the deltas of that merge's round.
            store.put(lateKey(model, p.late++), d.encode());
            p.taken[d.replica()] = d.round();
        } else {
            store.put(key(model, d.round(), d.replica()), d.encode());
        }
        p.maxSeen = Math.max(p.maxSeen, d.round());
        int replicas = d.replicas();
        double[] params = new double[Parameters.count(global.network())];
        long first = -1;
        long deltas = 0;
        long examples = 0;
        long time = Long.MIN_VALUE;
        while (true) {
            long n = p.next;
            ReplicaDelta[] round = new ReplicaDelta[replicas];
            List<Integer> missing = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                byte[] b = store.get(key(model, n, r));
                if (b == null) {
                    missing.add(r);
                    continue;
                }
                round[r] = ReplicaDelta.decode(b);
                if (round[r].replicas() != replicas) {
                    throw new IllegalStateException("model '" + model + "': round " + n + " has deltas of "
                            + round[r].replicas() + " and of " + replicas + " replicas; the examples topic's partitions"
                            + " changed while a round was open");
                }
            }
            if (!missing.isEmpty() && n > p.maxSeen - maxLag) {
                break;
            }
            List<ReplicaDelta> contributions = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                if (round[r] != null) {
                    contributions.add(round[r]);
                    store.delete(key(model, n, r));
                    p.lastMerged[r] = n;
                    p.taken[r] = Math.max(p.taken[r], n);
                    p.excused[r] = 0;
                } else {
                    p.excused[r]++;
                }
            }
            if (!missing.isEmpty()) {
                reportExcused(model, n, missing, p, maxLag);
            }
            for (long i = 0; i < p.late; i++) {
                ReplicaDelta late = ReplicaDelta.decode(store.get(lateKey(model, i)));
                store.delete(lateKey(model, i));
                contributions.add(late);
                p.lastMerged[late.replica()] = Math.max(p.lastMerged[late.replica()], late.round());
            }
            p.late = 0;
            p.next++;
            if (contributions.isEmpty()) {
                continue;
            }
            double[][] vectors = new double[contributions.size()][];
            long[] counts = new long[contributions.size()];
            for (int i = 0; i < vectors.length; i++) {
                ReplicaDelta each = contributions.get(i);
                vectors[i] = each.delta();
                counts[i] = each.examples();
                examples += counts[i];
                time = Math.max(time, each.eventTime());
            }
            Parameters.read(global.network(), params);
            DeltaMerge.merge(params, vectors, counts, rule, params);
            Parameters.write(params, global.network());
            FeatureScaler scaler = global.network().scaler();
            if (scaler != null) {
                // Statistics are counts, not steps: every delta's are added in full, whatever the rule.
                for (ReplicaDelta each : contributions) {
                    scaler.merge(each.statistics());
                }
            }
            if (first < 0) {
                first = n;
            }
            deltas += contributions.size();
        }
        store.put(model + "\u0000" + NEXT, p.encode());
        if (first < 0) {
            return null;
        }
        global.countMerged(examples, time);
        return new Merged(first, p.next - 1, deltas, examples, time, Arrays.copyOf(p.lastMerged, replicas));
    }

    /**
     * Where a model's merge is, for {@code replicas} replicas: the next round to merge, the newest
     * round any replica sent, how many late deltas wait, and per replica its watermark (the last of its
     * rounds merged), the last of its rounds merged or waiting as late (a delta at or below it is a
     * second delivery), and how many rounds in a row were merged without it (for the log).
     */
    private Progress progress(String model, int replicas) {
        byte[] b = store.get(model + "\u0000" + NEXT);
        Progress p;
        if (b == null) {
            p = new Progress(0, -1, 0, new long[0], new long[0], new long[0]);
        } else if (b.length == Long.BYTES) {
            // Written before rounds could go without a replica: every merged round held every replica.
            long next = ByteBuffer.wrap(b).getLong();
            long[] through = new long[replicas];
            Arrays.fill(through, next - 1);
            p = new Progress(next, next - 1, 0, through, through.clone(), new long[replicas]);
        } else {
            p = Progress.decode(b);
        }
        if (p.lastMerged.length < replicas) {
            // A replica not seen yet (or the examples topic grew): none of its rounds is merged.
            int had = p.lastMerged.length;
            p.lastMerged = Arrays.copyOf(p.lastMerged, replicas);
            p.taken = Arrays.copyOf(p.taken, replicas);
            p.excused = Arrays.copyOf(p.excused, replicas);
            Arrays.fill(p.lastMerged, had, replicas, -1);
            Arrays.fill(p.taken, had, replicas, -1);
        }
        return p;
    }

    private static final class Progress {
        private static final byte FORMAT = 2;
        long next;
        long maxSeen;
        long late;
        long[] lastMerged;
        long[] taken;
        long[] excused;

        Progress(long next, long maxSeen, long late, long[] lastMerged, long[] taken, long[] excused) {
            this.next = next;
            this.maxSeen = maxSeen;
            this.late = late;
            this.lastMerged = lastMerged;
            this.taken = taken;
            this.excused = excused;
        }

        byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(1 + 3 * Long.BYTES + Integer.BYTES + 3 * Long.BYTES * lastMerged.length);
            b.put(FORMAT).putLong(next).putLong(maxSeen).putLong(late).putInt(lastMerged.length);
            for (int r = 0; r < lastMerged.length; r++) {
                b.putLong(lastMerged[r]).putLong(taken[r]).putLong(excused[r]);
            }
            return b.array();
        }

        static Progress decode(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte format = b.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown merge progress format " + format);
            }
            long next = b.getLong();
            long maxSeen = b.getLong();
            long late = b.getLong();
            int replicas = b.getInt();
            long[] lastMerged = new long[replicas];
            long[] taken = new long[replicas];
            long[] excused = new long[replicas];
            for (int r = 0; r < replicas; r++) {
                lastMerged[r] = b.getLong();
                taken[r] = b.getLong();
                excused[r] = b.getLong();
            }
            return new Progress(next, maxSeen, late, lastMerged, taken, excused);
        }
    }

    private static String key(String model, long round, int replica) {
        return model + "\u0000" + round + "\u0000" + replica;
    }

    /** The {@code index}th late delta waiting, in arrival order (per replica, round order). */
    private static String lateKey(String model, long index) {
        return model + "\u0000" + LATE + "\u0000" + index;
    }
}
