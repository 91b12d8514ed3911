package io.streamlearn.config;

/**
 * How the instances of one application (one {@code applicationId}) take over from each other.
 *
 * @param instanceId       this instance's stable name, or null: given, it is Kafka's
 *                         {@code group.instance.id} (static membership), so an instance restarted
 *                         under the same name within the session timeout gets its tasks back without
 *                         a rebalance; it must differ between the instances of an application
 * @param sessionTimeoutMs how long the group waits for a silent instance (one killed, or cut off)
 *                         before its tasks move to the others; the broker bounds it
 *                         ({@code group.min.session.timeout.ms}, 6 s by default)
 * @param standbyReplicas  warm copies of each task's state kept on other instances
 *                         ({@code num.standby.replicas}), so a task that moves restores only what
 *                         changed since
 */
public record FailoverConfig(String instanceId, long sessionTimeoutMs, int standbyReplicas) {
    /**
     * The broker's default lower bound: a killed instance's tasks wait this long before they
     * move, and a shorter session cannot be asked of a broker with default settings.
     */
    public static final long DEFAULT_SESSION_TIMEOUT_MS = 6_000;

    /**
     * The key of this section that owns a Kafka client setting (as the {@code kafka} section names
     * it, with the prefixes Kafka Streams reads it under), or null. Set in both places, one of the
     * two would silently lose.
     */
    public static String ownerOf(String kafkaKey) {
        String plain = kafkaKey.startsWith("main.consumer.") ? kafkaKey.substring("main.consumer.".length())
                : kafkaKey.startsWith("consumer.") ? kafkaKey.substring("consumer.".length()) : kafkaKey;
        return switch (plain) {
            case "group.instance.id" -> "instanceId";
            case "session.timeout.ms", "heartbeat.interval.ms" -> "sessionTimeoutMs";
            case "num.standby.replicas" -> plain.equals(kafkaKey) ? "standbyReplicas" : null;
            default -> null;
        };
    }

    public static FailoverConfig defaults() {
        return new FailoverConfig(null, DEFAULT_SESSION_TIMEOUT_MS, 0);
    }

    /**
     * A sixth of the session, at most 3 s. Kafka asks for at most a third (three heartbeats may be
     * late before the group gives up on an instance that is alive); shorter matters here because
     * the survivors of a killed instance learn that the group rebalances from their next
     * heartbeat's answer: with a third, up to 2 s of a 6 s session's failover went waiting for it.
     */
    public long heartbeatIntervalMs() {
        return Math.max(1, Math.min(3_000, sessionTimeoutMs / 6));
    }
}
