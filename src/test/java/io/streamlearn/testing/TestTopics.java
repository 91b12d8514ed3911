package io.streamlearn.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics for integration tests. The cluster does not auto-create topics (as in
 * production), and a topic is only usable once every partition has a leader, which can lag a
 * moment behind the create call: producing or consuming earlier gives flaky tests.
 */
public final class TestTopics {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final short ONE_REPLICA = 1;

    private TestTopics() {
    }

    /** {@code prefix} plus a random suffix, so that test classes sharing a cluster never collide. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a uniquely named topic and returns its name once all partitions have a leader. */
    public static String create(KafkaCluster cluster, String prefix, int partitions) {
        String name = uniqueName(prefix);
        createNamed(cluster, name, partitions);
        return name;
    }

    /** Creates exactly {@code name}; returns once all its partitions have a leader. */
    public static void createNamed(KafkaCluster cluster, String name, int partitions) {
        createNamed(cluster, name, partitions, Map.of());
    }

    /** Creates exactly {@code name} with topic {@code configs} (e.g. max.message.bytes); returns once it has leaders. */
    public static void createNamed(KafkaCluster cluster, String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(cluster.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, ONE_REPLICA).configs(configs)))
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, name, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topic " + name + " on " + cluster.bootstrapServers(), e);
        }
    }

    private static void awaitLeaders(Admin admin, String name, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!hasAllLeaders(admin, name, partitions)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topic " + name + " has no leader for some partition after " + TIMEOUT);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static boolean hasAllLeaders(Admin admin, String name, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            TopicDescription topic = admin.describeTopics(Set.of(name)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name);
            return topic.partitions().size() == partitions
                    && topic.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }
}
