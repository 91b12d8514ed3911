package io.streamlearn.kafka;

import io.streamlearn.config.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics an application needs when they are missing, and answers "is the broker
 * there?" quickly: an unreachable broker must be reported in seconds, not after Kafka's
 * default minute-long timeouts.
 */
public final class TopicAdmin implements AutoCloseable {
    /**
     * A topic to ensure: compacted ones hold the newest value per key (weights); {@code configs}
     * are set at creation besides those compaction implies.
     */
    public record TopicSpec(String name, int partitions, short replicationFactor, boolean compacted,
                            Map<String, String> configs) {
        public TopicSpec(String name, int partitions, short replicationFactor, boolean compacted) {
            this(name, partitions, replicationFactor, compacted, Map.of());
        }
    }

    /** How long the weights history keeps a version when created here (a week); change it with kafka-configs. */
    public static final long HISTORY_RETENTION_MS = 7 * 24 * 3600 * 1000L;

    /** Kafka's default {@code message.max.bytes}. */
    private static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    /**
     * segment.ms of the compacted topics a restart reads whole (weights, the model store's
     * changelog). The cleaner compacts closed segments only, and with Kafka's defaults (1 GiB or 7
     * days) a learner committing ten checkpoints a second would restore hours of them after a
     * crash; with 10-minute segments, about ten minutes' worth plus one record per model.
     */
    public static final long COMPACTED_SEGMENT_MS = 10 * 60 * 1000L;

    /** How long a plaintext client waits for an answer before it asks the listener what it wants. */
    private static final long PROBE_AFTER_MS = 1000;

    private final Admin admin;
    private final Duration timeout;
    private final ClientSecurity security;
    /** The topics that exist, once listed ({@link #existingTopics}). */
    private Set<String> existing;
    /** Set when the broker could not be used: closing then need not wait for pending calls. */
    private volatile boolean gaveUp;

    /**
     * @throws BrokerUnavailableException when the security settings cannot work (credentials
     *         missing or unresolvable) or Kafka rejects the client settings: said at once, before
     *         any connection attempt could turn it into a timeout or a refused login
     */
    public TopicAdmin(Map<String, Object> clientProperties, Duration timeout) {
        this.security = ClientSecurity.of(clientProperties);
        List<String> problems = security.problems();
        if (!problems.isEmpty()) {
            throw new BrokerUnavailableException(String.join("; ", problems), null);
        }
        Properties p = new Properties();
        p.putAll(clientProperties);
        int ms = (int) timeout.toMillis();
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        // Short connection attempts so that several fit in the timeout. With SASL or TLS the
        // attempt includes the handshake, which in a fresh JVM on a busy machine can take over a
        // second: cut off, it would start again from scratch and a refused login would be
        // reported late, or a good one never completed.
        boolean handshake = !security.protocol().equals(CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
        p.putIfAbsent(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, handshake ? ms / 2 : 1000);
        p.putIfAbsent(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, handshake ? ms : 2000);
        p.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        try {
            this.admin = Admin.create(p);
        } catch (KafkaException e) {
            // Bad client settings: an unreadable truststore, a JAAS line that does not parse, a
            // config provider that fails. Kafka's messages name the setting, not its value.
            throw new BrokerUnavailableException("the Kafka client settings for "
                    + clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " (" + security.describe()
                    + ") are not usable: " + Secrets.redact(rootMessage(e)), e);
        }
        this.timeout = timeout;
    }

    /**
     * Fails with a clear message when no broker answers within the timeout, or when the broker
     * refused to authenticate us: a refused login is final (Kafka does not retry it), so it is
     * reported as soon as it happens and says which setting to check.
     */
    public void checkReachable(String bootstrapServers) {
        try {
            long start = System.nanoTime();
            KafkaFuture<String> clusterId = admin.describeCluster().clusterId();
            if (security.protocol().equals(CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL)) {
                awaitOrProbe(clusterId, bootstrapServers);
            }
            long left = timeout.toNanos() - (System.nanoTime() - start);
            clusterId.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (RuntimeException | ExecutionException | TimeoutException | InterruptedException e) {
            gaveUp = true;
            throw reachFailure(bootstrapServers, e);
        }
    }

    /** The message for a failed check: a refused login says so; anything else is "no broker answered". */
    private RuntimeException reachFailure(String bootstrapServers, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new BrokerUnavailableException("interrupted while contacting " + bootstrapServers, e);
        }
        if (e instanceof RuntimeException r) {
            return r; // the probe's verdict, or a bug
        }
        AuthenticationException refused = ClientSecurity.authenticationFailure(e);
        if (refused != null) {
            return new BrokerUnavailableException(security.authenticationFailed(bootstrapServers, refused), e);
        }
        return unreachable(bootstrapServers, e);
    }

    /**
     * A plaintext client at a SASL or TLS listener is not refused, it is ignored until the
     * timeout. When the first second brings no answer, each bootstrap address is asked once what it
     * wants; a clear answer ends the wait with a message that says which settings are missing.
     */
    private void awaitOrProbe(KafkaFuture<String> clusterId, String bootstrapServers)
            throws InterruptedException, ExecutionException {
        long patience = Math.min(PROBE_AFTER_MS, timeout.toMillis() / 2);
        try {
            clusterId.get(patience, TimeUnit.MILLISECONDS);
            return;
        } catch (TimeoutException stillWaiting) {
            // find out why below
        }
        for (String address : bootstrapServers.split(",")) {
            var wanted = ListenerProbe.securityWanted(address.trim(), (int) patience);
            if (wanted.isPresent()) {
                throw new BrokerUnavailableException("the listener at " + address.trim() + " wants " + wanted.get()
                        + " but kafka.security.protocol is " + security.protocol() + ": set kafka.security.protocol "
                        + "(SASL_SSL, SASL_PLAINTEXT or SSL) and the credentials, e.g. kafka.sasl.mechanism and "
                        + "kafka.sasl.jaas.config (see config/secure-example.yaml)", null);
            }
        }
    }

    private BrokerUnavailableException unreachable(String bootstrapServers, Exception e) {
        return new BrokerUnavailableException("no Kafka broker answered at " + bootstrapServers + " within "
                + timeout.toSeconds() + " s (" + Secrets.redact(rootMessage(e)) + "); start one (e.g. 'streamlearn broker') "
                + "or pass --bootstrap-servers HOST:PORT", e);
    }

    /**
     * The topics that exist: listed once, then kept up to date with the ones this instance creates.
     * A learner's start asks four questions of one listing (each listing is a round trip); an
     * instance lives for one start or one command, so topics deleted meanwhile are not its concern.
     */
    private Set<String> existingTopics() throws InterruptedException, ExecutionException, TimeoutException {
        if (existing == null) {
            existing = new java.util.HashSet<>(admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        return existing;
    }

    /** Creates every missing topic; existing ones are left as they are. Returns the names created. */
    public List<String> ensure(List<TopicSpec> topics) {
        try {
            Set<String> existing = existingTopics();
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec t : topics) {
                if (!existing.contains(t.name())) {
                    NewTopic nt = new NewTopic(t.name(), t.partitions(), t.replicationFactor());
                    Map<String, String> configs = new HashMap<>(t.configs());
                    if (t.compacted()) {
                        // Short segments, so that the cleaner keeps what a restart must read small.
                        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
                        configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(COMPACTED_SEGMENT_MS));
                    }
                    if (!configs.isEmpty()) {
                        nt.configs(configs);
                    }
                    missing.add(nt);
                }
            }
            List<String> created = new ArrayList<>();
            if (missing.isEmpty()) {
                return created;
            }
            missing.forEach(nt -> existing.add(nt.name()));
            var result = admin.createTopics(missing);
            for (NewTopic nt : missing) {
                try {
                    result.values().get(nt.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(nt.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + nt.name() + ": " + rootMessage(e), e);
                    }
                }
            }
            awaitWritable(missing);
            return created;
        } catch (TimeoutException | ExecutionException e) {
            throw new BrokerUnavailableException("could not list or create topics: " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Makes every listed topic that exists take records of {@code limit} bytes: raises a lower
     * {@code max.message.bytes}, never lowers one. A topic that cannot be changed (no permission)
     * stops the start with what to run instead: a record it refuses would fail every commit.
     */
    public void ensureRecordLimit(List<String> topics, int limit, String why) {
        try {
            Set<String> existing = existingTopics();
            List<ConfigResource> resources = topics.stream().filter(existing::contains)
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            if (resources.isEmpty()) {
                return;
            }
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> raise = new HashMap<>();
            for (var e : configs.entrySet()) {
                ConfigEntry current = e.getValue().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (current == null || current.value() == null || Long.parseLong(current.value()) < limit) {
                    raise.put(e.getKey(), List.of(new AlterConfigOp(
                            new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(limit)), AlterConfigOp.OpType.SET)));
                }
            }
            if (raise.isEmpty()) {
                return;
            }
            try {
                admin.incrementalAlterConfigs(raise).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                String names = raise.keySet().stream().map(ConfigResource::name).toList().toString();
                throw new IllegalStateException("topics " + names + " must take records of " + limit + " bytes (" + why
                        + ") and could not be changed (" + rootMessage(e) + "); raise their max.message.bytes, e.g. "
                        + "kafka-configs.sh --alter --entity-type topics --entity-name TOPIC --add-config max.message.bytes="
                        + limit, e);
            }
        } catch (TimeoutException | ExecutionException e) {
            throw new BrokerUnavailableException("could not read or change topic configs: " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until the leader of every partition of the new topics answers a request that only a
     * live leader serves (the end offset) — not merely until metadata names a leader, which it
     * does slightly before the broker acts as one. A producer whose first batch gets
     * NOT_LEADER_OR_FOLLOWER while later batches land retries that batch for ever with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until it expires: those records would be lost and the rest
     * reordered. Until the topics' metadata has spread, the request fails and is simply repeated.
     */
    private void awaitWritable(List<NewTopic> topics) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (NewTopic t : topics) {
            for (int p = 0; p < t.numPartitions(); p++) {
                request.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                admin.listOffsets(request).all().get(Math.max(1, left), TimeUnit.NANOSECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            } catch (TimeoutException e) {
                throw new TimeoutException("partitions of " + topics.stream().map(NewTopic::name).toList()
                        + " have no serving leader after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    /** The partition count of each of {@code topics} that exists; absent ones are left out. */
    public Map<String, Integer> partitionCounts(List<String> topics) {
        try {
            Set<String> existing = existingTopics();
            List<String> present = topics.stream().filter(existing::contains).distinct().toList();
            Map<String, Integer> out = new HashMap<>();
            admin.describeTopics(present).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((name, d) -> out.put(name, d.partitions().size()));
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new BrokerUnavailableException("could not describe topics " + topics + ": " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The largest record batch each topic takes: its {@code max.message.bytes}, which falls back to
     * the broker's {@code message.max.bytes} when the topic does not set it. A principal without
     * DescribeConfigs on a topic gets Kafka's default for it, with a warning.
     */
    public Map<String, Integer> maxMessageBytes(List<String> topics) {
        Map<String, Integer> out = new HashMap<>();
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        var result = admin.describeConfigs(resources).values();
        for (ConfigResource r : resources) {
            try {
                ConfigEntry e = result.get(r).get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                out.put(r.name(), e == null || e.value() == null ? DEFAULT_MAX_MESSAGE_BYTES : Integer.parseInt(e.value()));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof AuthorizationException)) {
                    throw new BrokerUnavailableException("could not read the configuration of topic " + r.name() + ": "
                            + rootMessage(e), e);
                }
                LOG.warn("Not allowed to read the configuration of topic '{}' (DescribeConfigs): assuming Kafka's default "
                        + "max.message.bytes of {}", r.name(), DEFAULT_MAX_MESSAGE_BYTES);
                out.put(r.name(), DEFAULT_MAX_MESSAGE_BYTES);
            } catch (TimeoutException e) {
                throw new BrokerUnavailableException("could not read the configuration of topic " + r.name() + " within "
                        + timeout.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return out;
    }

    public Admin admin() {
        return admin;
    }

    /**
     * Closes the client. After a failed reachability check it does not wait: the pending calls
     * would hold the command's exit for the whole close timeout, waiting on a broker that is not
     * there or will not talk to us.
     */
    @Override
    public void close() {
        admin.close(gaveUp ? Duration.ZERO : Duration.ofSeconds(2));
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
