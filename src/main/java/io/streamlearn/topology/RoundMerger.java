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
 * merged without it is late, and is merged as soon as it arrives, as a version of its own: waiting
 * for the next round's merge would hold it for ever when the others have stopped sending (the end
 * of a stream, or a catch-up in which the lagging replica's records come last). Each replica sends
 * its rounds in order and the trainer reads them in order, so what has been merged of a replica is
 * always a prefix of its rounds: one watermark per replica (the last of its rounds merged) says
 * which of its deltas a version holds. The version's reason carries the watermarks that differ from
 * its last round ({@link #mergedThrough(CharSequence, int)}), for the replica to know which of its
 * own deltas to add back when it adopts the version. A delta at or below its replica's watermark
 * was delivered twice and is dropped, never applied again.
 *
 * <p>With every replica within {@code maxLag} rounds of the others a round's result depends only on
 * its deltas; once one lags, where its late deltas fall among the rounds depends on when they arrive.
 */
final class RoundMerger {
    private static final Logger LOG = LoggerFactory.getLogger(RoundMerger.class);
    private static final String NEXT = "next";
    private static final String PROGRESS = "progress";
    private final KeyValueStore<String, byte[]> store;

    /**
     * What one call merged: rounds, their deltas and examples, the newest example's timestamp, and
     * every replica's watermark after it; or one late delta ({@code late}), merged on top of the
     * rounds through {@code lastRound}.
     */
    record Merged(long firstRound, long lastRound, long deltas, long examples, long eventTime, long[] through, boolean late) {
        /** Says what the version is, and tells replicas which of their rounds it holds ({@link #mergedThrough}). */
        String reason() {
            StringBuilder behind = new StringBuilder();
            for (int r = 0; r < through.length; r++) {
                if (through[r] != lastRound) {
                    behind.append(behind.length() == 0 ? "; " : ", ").append("replica ").append(r).append(" through round ")
                            .append(through[r]);
                }
            }
            String rounds = firstRound == lastRound ? Long.toString(lastRound) : firstRound + " to " + lastRound;
            return String.format(Locale.ROOT, "merged %d %sdelta%s, %d examples (round %s%s)", deltas, late ? "late " : "",
                    deltas == 1 ? "" : "s", examples, rounds, behind);
        }
    }

    private static final java.util.regex.Pattern ROUND = java.util.regex.Pattern.compile(
            "^merged \\d+ (?:late )?deltas?, \\d+ examples \\(round (?:\\d+ to )?(\\d+)"
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
     * Logs that round {@code n} goes without the replicas in {@code missing}: at the first round of a
     * replica's stall (which ends when a round has its delta again), then at 8, 64, 512… rounds
     * without it, so a partition that never gets the model's examples is named a few times, not once
     * a round.
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
            LOG.warn("Model '{}': round {} was merged without replica(s) {} (examples partition(s) {}), {} rounds behind the"
                    + " newest delta (round {}; parallel.maxLag {}); rounds merged without each so far: {}. Their deltas are"
                    + " merged late, when they come, each as a version of its own. A partition that gets none or few of the"
                    + " model's examples lags like this (so does one whose backlog is read after the others', for a while);"
                    + " key the model's examples at random, or leave the key out, or raise parallel.maxLag",
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
     * (counting their examples), or the delta alone if its round was merged without it, and returns
     * what was merged, or null if nothing was.
     */
    Merged offer(String model, ReplicaDelta d, OnlineLearner global) {
        MergeRule rule = global.config().parallel().merge();
        int maxLag = global.config().parallel().maxLag();
        if (d.replica() < 0 || d.replica() >= d.replicas()) {
            throw new IllegalStateException("model '" + model + "': replica " + d.replica() + " of " + d.replicas());
        }
        Progress p = progress(model, d.replicas());
        int replicas = d.replicas();
        if (d.round() < p.next) {
            if (d.round() <= p.lastMerged[d.replica()]) {
                LOG.warn("Model '{}': delta {} of replica {} arrived again after it was merged; dropped", model,
                        d.round(), d.replica());
                return null;
            }
            // Late: its round went without it. Nothing that comes later is sure to bring a merge, so now.
            merge(List.of(d), rule, global);
            p.lastMerged[d.replica()] = d.round();
            save(model, p);
            global.countMerged(d.examples(), d.eventTime());
            return new Merged(p.next - 1, p.next - 1, 1, d.examples(), d.eventTime(), Arrays.copyOf(p.lastMerged, replicas),
                    true);
        }
        store.put(key(model, d.round(), d.replica()), d.encode());
        p.maxSeen = Math.max(p.maxSeen, d.round());
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
                    p.excused[r] = 0;
                } else {
                    p.excused[r]++;
                }
            }
            if (!missing.isEmpty()) {
                reportExcused(model, n, missing, p, maxLag);
            }
            p.next++;
            if (contributions.isEmpty()) {
                continue;
            }
            merge(contributions, rule, global);
            for (ReplicaDelta each : contributions) {
                examples += each.examples();
                time = Math.max(time, each.eventTime());
            }
            if (first < 0) {
                first = n;
            }
            deltas += contributions.size();
        }
        save(model, p);
        if (first < 0) {
            return null;
        }
        global.countMerged(examples, time);
        return new Merged(first, p.next - 1, deltas, examples, time, Arrays.copyOf(p.lastMerged, replicas), false);
    }

    /** Adds {@code deltas} (in the order given) to the model's parameters by {@code rule}, and their scaler statistics. */
    private static void merge(List<ReplicaDelta> deltas, MergeRule rule, OnlineLearner global) {
        double[] params = new double[Parameters.count(global.network())];
        double[][] vectors = new double[deltas.size()][];
        long[] counts = new long[deltas.size()];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = deltas.get(i).delta();
            counts[i] = deltas.get(i).examples();
        }
        Parameters.read(global.network(), params);
        DeltaMerge.merge(params, vectors, counts, rule, params);
        Parameters.write(params, global.network());
        FeatureScaler scaler = global.network().scaler();
        if (scaler != null) {
            // Statistics are counts, not steps: every delta's are added in full, whatever the rule.
            for (ReplicaDelta each : deltas) {
                scaler.merge(each.statistics());
            }
        }
    }

    /**
     * Where a model's merge is, for {@code replicas} replicas: the next round to merge, the newest
     * round any replica sent, and per replica its watermark (the last of its rounds merged: a delta at
     * or below it is a second delivery) and how many rounds in a row were merged without it (for the
     * log).
     */
    private Progress progress(String model, int replicas) {
        byte[] b = store.get(model + "\u0000" + PROGRESS);
        byte[] n = store.get(model + "\u0000" + NEXT);
        long next = n == null ? 0 : ByteBuffer.wrap(n).getLong();
        Progress p = b == null ? new Progress(0, -1, new long[0], new long[0]) : Progress.decode(b);
        if (next > p.next) {
            // Merged by a learner from before the bounded wait (alone, or between this one's turns): it merges
            // complete rounds only, so every replica is in every round below its next.
            p.next = next;
            p.maxSeen = Math.max(p.maxSeen, next - 1);
            p.lastMerged = Arrays.copyOf(p.lastMerged, Math.max(replicas, p.lastMerged.length));
            p.excused = Arrays.copyOf(p.excused, p.lastMerged.length);
            for (int r = 0; r < p.lastMerged.length; r++) {
                p.lastMerged[r] = Math.max(p.lastMerged[r], next - 1);
                p.excused[r] = 0;
            }
        }
        if (p.lastMerged.length < replicas) {
            // A replica not seen yet (or the examples topic grew): none of its rounds is merged.
            int had = p.lastMerged.length;
            p.lastMerged = Arrays.copyOf(p.lastMerged, replicas);
            p.excused = Arrays.copyOf(p.excused, replicas);
            Arrays.fill(p.lastMerged, had, replicas, -1);
        }
        return p;
    }

    /**
     * Writes where the merge is, and the next round alone as a learner from before the bounded wait
     * reads it, so an application's instances can be upgraded one at a time (an older one merges
     * complete rounds only, and its replicas do not adopt versions that name a lagging replica).
     */
    private void save(String model, Progress p) {
        store.put(model + "\u0000" + PROGRESS, p.encode());
        store.put(model + "\u0000" + NEXT, ByteBuffer.allocate(Long.BYTES).putLong(p.next).array());
    }

    private static final class Progress {
        private static final byte FORMAT = 2;
        long next;
        long maxSeen;
        long[] lastMerged;
        long[] excused;

        Progress(long next, long maxSeen, long[] lastMerged, long[] excused) {
            this.next = next;
            this.maxSeen = maxSeen;
            this.lastMerged = lastMerged;
            this.excused = excused;
        }

        /** The format byte, then {@code next} and {@code maxSeen}, the replica count, each replica's two values. */
        byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(1 + 2 * Long.BYTES + Integer.BYTES + 2 * Long.BYTES * lastMerged.length);
            b.put(FORMAT).putLong(next).putLong(maxSeen).putInt(lastMerged.length);
            for (int r = 0; r < lastMerged.length; r++) {
                b.putLong(lastMerged[r]).putLong(excused[r]);
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
            int replicas = b.getInt();
            long[] lastMerged = new long[replicas];
            long[] excused = new long[replicas];
            for (int r = 0; r < replicas; r++) {
                lastMerged[r] = b.getLong();
                excused[r] = b.getLong();
            }
            return new Progress(next, maxSeen, lastMerged, excused);
        }
    }

    private static String key(String model, long round, int replica) {
        return model + "\u0000" + round + "\u0000" + replica;
    }
}
