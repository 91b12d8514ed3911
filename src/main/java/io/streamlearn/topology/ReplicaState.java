package io.streamlearn.topology;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.codec.Codec;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.FeatureScaler;
import io.streamlearn.model.ScalerStatistics;
import io.streamlearn.snapshot.SnapshotMapper;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One replica of a data-parallel model, in one examples partition's task: its learner (its own
 * weights, optimizer state and prequential figures, in the model's checkpoint format), the
 * parameters it started this round from ({@code base}) and which global version those were, the
 * round it is in and how many examples it learned in it, and its deltas the newest global version
 * it adopted does not include yet; for a model that scales its features, also the statistics of
 * this round's examples ({@code roundScaler}) and of each unmerged delta's, which travel with the
 * deltas and are kept back on rebasing as the deltas are. All of it is written to the replica store
 * before each commit, so a restarted task resumes the round exactly where the committed offsets are.
 */
final class ReplicaState {
    /** Format 1 had no scaler statistics (parallel models could not scale then); still read. */
    private static final byte WITHOUT_STATISTICS = 1;
    private static final byte FORMAT = 2;
    final OnlineLearner learner;
    final double[] base;
    long baseVersion;
    long round;
    long examplesInRound;
    /**
     * The last of this replica's rounds the adopted version holds (-1: none; a round may be merged without a
     * replica that lagged, so not the version's last round), and this replica's deltas of the rounds after it,
     * oldest first.
     */
    long adoptedThrough;
    final ArrayDeque<double[]> unmerged;
    /** What the scaler learned from this round's examples alone; null when the model does not scale. */
    final FeatureScaler roundScaler;
    /** The scaler statistics sent with each of {@link #unmerged}, in the same order. */
    final ArrayDeque<ScalerStatistics> unmergedStatistics;

    /** A replica of a model that does not scale its features (or has none of its statistics yet). */
    ReplicaState(OnlineLearner learner, double[] base, long baseVersion, long round, long examplesInRound,
                 long adoptedThrough, ArrayDeque<double[]> unmerged) {
        this(learner, base, baseVersion, round, examplesInRound, adoptedThrough, unmerged, ScalerStatistics.NONE,
                none(unmerged.size()));
    }

    ReplicaState(OnlineLearner learner, double[] base, long baseVersion, long round, long examplesInRound,
                 long adoptedThrough, ArrayDeque<double[]> unmerged, ScalerStatistics roundStatistics,
                 ArrayDeque<ScalerStatistics> unmergedStatistics) {
        if (unmergedStatistics.size() != unmerged.size()) {
            throw new IllegalArgumentException(unmerged.size() + " unmerged deltas but " + unmergedStatistics.size()
                    + " unmerged statistics");
        }
        FeatureScaler scaler = learner.network().scaler();
        this.roundScaler = scaler == null ? null : new FeatureScaler(scaler.kind(), scaler.features());
        if (roundScaler != null) {
            roundScaler.rebase(roundStatistics, List.of());
        }
        this.unmergedStatistics = unmergedStatistics;
        this.learner = learner;
        this.base = base;
        this.baseVersion = baseVersion;
        this.round = round;
        this.examplesInRound = examplesInRound;
        this.adoptedThrough = adoptedThrough;
        this.unmerged = unmerged;
    }

    private static ArrayDeque<ScalerStatistics> none(int count) {
        ArrayDeque<ScalerStatistics> none = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            none.add(ScalerStatistics.NONE);
        }
        return none;
    }

    byte[] encode(Codec<ModelCheckpoint> checkpoints) {
        byte[] learnerBytes = checkpoints.encode(SnapshotMapper.checkpoint(learner));
        List<ScalerStatistics> statistics = new ArrayList<>();
        statistics.add(ScalerStatistics.of(roundScaler));
        statistics.addAll(unmergedStatistics);
        int statisticsBytes = 0;
        for (ScalerStatistics st : statistics) {
            statisticsBytes += ReplicaDelta.bytes(st);
        }
        ByteBuffer b = ByteBuffer.allocate(1 + 8 * 4 + 4 + 4 + 8 * base.length * (1 + unmerged.size()) + statisticsBytes
                + learnerBytes.length);
        b.put(FORMAT).putLong(baseVersion).putLong(round).putLong(examplesInRound).putLong(adoptedThrough)
                .putInt(base.length).putInt(unmerged.size());
        for (double v : base) {
            b.putDouble(v);
        }
        for (double[] d : unmerged) {
            for (double v : d) {
                b.putDouble(v);
            }
        }
        // This round's statistics, then each unmerged delta's.
        for (ScalerStatistics st : statistics) {
            ReplicaDelta.put(b, st);
        }
        b.put(learnerBytes);
        return b.array();
    }

    static ReplicaState decode(byte[] bytes, ModelConfig config, Codec<ModelCheckpoint> checkpoints) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte format = b.get();
        if (format != FORMAT && format != WITHOUT_STATISTICS) {
            throw new IllegalArgumentException("unknown replica state format " + format);
        }
        long baseVersion = b.getLong();
        long round = b.getLong();
        long examples = b.getLong();
        long adoptedThrough = b.getLong();
        double[] base = new double[b.getInt()];
        int pending = b.getInt();
        for (int i = 0; i < base.length; i++) {
            base[i] = b.getDouble();
        }
        ArrayDeque<double[]> unmerged = new ArrayDeque<>();
        for (int k = 0; k < pending; k++) {
            double[] d = new double[base.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = b.getDouble();
            }
            unmerged.add(d);
        }
        ScalerStatistics roundStatistics = ScalerStatistics.NONE;
        ArrayDeque<ScalerStatistics> unmergedStatistics = none(pending);
        if (format == FORMAT) {
            roundStatistics = ReplicaDelta.statistics(b);
            unmergedStatistics.clear();
            for (int k = 0; k < pending; k++) {
                unmergedStatistics.add(ReplicaDelta.statistics(b));
            }
        }
        byte[] learnerBytes = Arrays.copyOfRange(bytes, b.position(), bytes.length);
        OnlineLearner learner = SnapshotMapper.learner(checkpoints.decode(learnerBytes), config);
        return new ReplicaState(learner, base, baseVersion, round, examples, adoptedThrough, unmerged, roundStatistics,
                unmergedStatistics);
    }
}
