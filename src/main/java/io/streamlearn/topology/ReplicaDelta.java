package io.streamlearn.topology;

import io.streamlearn.model.ScalerStatistics;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What one replica of a data-parallel model learned in one round: its parameters minus its base
 * (the global version it started the round from), from {@code examples} examples, the newest of them
 * stamped {@code eventTime}, and its scaler's statistics of those examples alone
 * ({@link ScalerStatistics#NONE} for a model that does not scale its features), which the merge adds
 * to the model's. {@code round} counts the replica's syncs (0, 1, 2, …): the merge applies
 * round n when every replica's delta n is in (or another's is {@code maxLag} rounds ahead), so the
 * result does not depend on how two replicas' records interleave while none lags. {@code replicas}
 * is how many there are (the examples partitions the sender's topology was built for). Keyed by
 * model on the wire.
 */
record ReplicaDelta(int replica, int replicas, long round, long baseVersion, long examples, long eventTime, double[] delta,
                    ScalerStatistics statistics) {
    /** Format 1 had no scaler statistics (parallel models could not scale then); still read. */
    private static final byte WITHOUT_STATISTICS = 1;
    private static final byte FORMAT = 2;
    private static final int HEADER = 1 + 4 + 4 + 8 + 8 + 8 + 8 + 4;

    /** A delta of a model that does not scale its features. */
    ReplicaDelta(int replica, int replicas, long round, long baseVersion, long examples, long eventTime, double[] delta) {
        this(replica, replicas, round, baseVersion, examples, eventTime, delta, ScalerStatistics.NONE);
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 8 * delta.length + bytes(statistics));
        b.put(FORMAT).putInt(replica).putInt(replicas).putLong(round).putLong(baseVersion).putLong(examples).putLong(eventTime)
                .putInt(delta.length);
        for (double d : delta) {
            b.putDouble(d);
        }
        put(b, statistics);
        return b.array();
    }

    static ReplicaDelta decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte format = b.get();
        if (format != FORMAT && format != WITHOUT_STATISTICS) {
            throw new IllegalArgumentException("unknown replica delta format " + format);
        }
        int replica = b.getInt();
        int replicas = b.getInt();
        long round = b.getLong();
        long base = b.getLong();
        long examples = b.getLong();
        long time = b.getLong();
        double[] delta = doubles(b);
        ScalerStatistics statistics = ScalerStatistics.NONE;
        if (format == FORMAT) {
            statistics = statistics(b);
        }
        return new ReplicaDelta(replica, replicas, round, base, examples, time, delta, statistics);
    }

    /** Bytes {@link #put} writes for {@code s}: its count, its length, its values. */
    static int bytes(ScalerStatistics s) {
        return 8 + 4 + 8 * s.state().length;
    }

    /** Scaler statistics as deltas and the replica store carry them: count, then a length and that many doubles. */
    static void put(ByteBuffer b, ScalerStatistics s) {
        b.putLong(s.count()).putInt(s.state().length);
        for (double v : s.state()) {
            b.putDouble(v);
        }
    }

    /** What {@link #put} wrote. */
    static ScalerStatistics statistics(ByteBuffer b) {
        long count = b.getLong();
        return new ScalerStatistics(count, doubles(b));
    }

    /** A length, then that many doubles. */
    static double[] doubles(ByteBuffer b) {
        double[] v = new double[b.getInt()];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getDouble();
        }
        return v;
    }

    static Serializer<ReplicaDelta> serializer() {
        return (topic, d) -> d == null ? null : d.encode();
    }

    static Deserializer<ReplicaDelta> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
