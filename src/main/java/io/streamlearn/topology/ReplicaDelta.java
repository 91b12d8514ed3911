package io.streamlearn.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What one replica of a data-parallel model learned in one round: its parameters minus its base
 * (the global version it started the round from), from {@code examples} examples, the newest of them
 * stamped {@code eventTime}. {@code round} counts the replica's syncs (0, 1, 2, …): the merge applies
 * round n when every replica's delta n is in, so the result does not depend on how two replicas'
 * records interleave. {@code replicas} is how many there are (the examples partitions the sender's
 * topology was built for). Keyed by model on the wire.
 */
record ReplicaDelta(int replica, int replicas, long round, long baseVersion, long examples, long eventTime, double[] delta) {
    private static final byte FORMAT = 1;
    private static final int HEADER = 1 + 4 + 4 + 8 + 8 + 8 + 8 + 4;

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + 8 * delta.length);
        b.put(FORMAT).putInt(replica).putInt(replicas).putLong(round).putLong(baseVersion).putLong(examples).putLong(eventTime)
                .putInt(delta.length);
        for (double d : delta) {
            b.putDouble(d);
        }
        return b.array();
    }

    static ReplicaDelta decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte format = b.get();
        if (format != FORMAT) {
            throw new IllegalArgumentException("unknown replica delta format " + format);
        }
        int replica = b.getInt();
        int replicas = b.getInt();
        long round = b.getLong();
        long base = b.getLong();
        long examples = b.getLong();
        long time = b.getLong();
        double[] delta = new double[b.getInt()];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = b.getDouble();
        }
        return new ReplicaDelta(replica, replicas, round, base, examples, time, delta);
    }

    static Serializer<ReplicaDelta> serializer() {
        return (topic, d) -> d == null ? null : d.encode();
    }

    static Deserializer<ReplicaDelta> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }
}
