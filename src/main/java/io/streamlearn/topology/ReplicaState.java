package io.streamlearn.topology;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.codec.Codec;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.snapshot.SnapshotMapper;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One replica of a data-parallel model, in one examples partition's task: its learner (its own
 * weights, optimizer state and prequential figures, in the model's checkpoint format), the
 * parameters it started this round from ({@code base}) and which global version those were, the
 * round it is in and how many examples it learned in it, and its deltas the newest global version
 * it adopted does not include yet. All of it is written to the replica store
 * before each commit, so a restarted task resumes the round exactly where the committed offsets are.
 */
final class ReplicaState {
    private static final byte FORMAT = 1;
    final OnlineLearner learner;
    final double[] base;
    long baseVersion;
    long round;
    long examplesInRound;
    /** The last round of the global version adopted (-1: none), and this replica's deltas of the rounds after it, oldest first. */
    long adoptedThrough;
    final ArrayDeque<double[]> unmerged;

    ReplicaState(OnlineLearner learner, double[] base, long baseVersion, long round, long examplesInRound,
                 long adoptedThrough, ArrayDeque<double[]> unmerged) {
        this.learner = learner;
        this.base = base;
        this.baseVersion = baseVersion;
        this.round = round;
        this.examplesInRound = examplesInRound;
        this.adoptedThrough = adoptedThrough;
        this.unmerged = unmerged;
    }

    byte[] encode(Codec<ModelCheckpoint> checkpoints) {
        byte[] learnerBytes = checkpoints.encode(SnapshotMapper.checkpoint(learner));
        ByteBuffer b = ByteBuffer.allocate(1 + 8 * 4 + 4 + 4 + 8 * base.length * (1 + unmerged.size()) + learnerBytes.length);
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
        b.put(learnerBytes);
        return b.array();
    }

    static ReplicaState decode(byte[] bytes, ModelConfig config, Codec<ModelCheckpoint> checkpoints) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte format = b.get();
        if (format != FORMAT) {
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
        byte[] learnerBytes = Arrays.copyOfRange(bytes, b.position(), bytes.length);
        OnlineLearner learner = SnapshotMapper.learner(checkpoints.decode(learnerBytes), config);
        return new ReplicaState(learner, base, baseVersion, round, examples, adoptedThrough, unmerged);
    }
}
