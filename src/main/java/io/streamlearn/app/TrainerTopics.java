package io.streamlearn.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topic examples are re-keyed through by model, and the one data-parallel replicas send their
 * deltas through: topics of ours the trainer reads. Kafka Streams would keep and purge one of
 * its own repartition topics; these are ours, so we do the same: each keeps records without time
 * retention (a backfill stamped last year must not be deleted before it is trained on), and
 * what the trainer has committed is deleted every {@link #PURGE_INTERVAL} (as Kafka Streams'
 * {@code repartition.purge.interval.ms}). Under exactly-once a committed offset is only seen once
 * its transaction committed, so nothing untrained is ever deleted. Records deleted before the
 * trainer read them (by hand, or under an older version's time retention) are reported at start:
 * the consumer would skip them without a word.
 */
final class TrainerTopics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerTopics.class);
    static final Duration PURGE_INTERVAL = Duration.ofSeconds(30);
    private static final long NO_TIME_LIMIT = -1;

    private final Admin admin;
    private final List<String> topics;
    private final String group;
    private final Duration timeout;
    private final ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "streamlearn-trainer-topics-purge");
        t.setDaemon(true);
        return t;
    });

    private TrainerTopics(Admin admin, List<String> topics, String group, Duration timeout) {
        this.admin = admin;
        this.topics = List.copyOf(topics);
        this.group = group;
        this.timeout = timeout;
    }

    /** The config the topic is created with. */
    static Map<String, String> topicConfig() {
        return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(NO_TIME_LIMIT));
    }

    /**
     * Removes a time retention the topic may have (created by an older version, or by hand), and
     * reports records deleted before the trainer (group {@code group}) read them.
     *
     * @param lost what records deleted unread mean, for the warning
     */
    static Map<TopicPartition, Long> prepare(Admin admin, String topic, String group, String lost, Duration timeout) {
        try {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
            ConfigEntry retention = config.get(TopicConfig.RETENTION_MS_CONFIG);
            if (retention == null || Long.parseLong(retention.value()) != NO_TIME_LIMIT) {
                admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(NO_TIME_LIMIT)), AlterConfigOp.OpType.SET))))
                        .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("'{}' had retention.ms {}; set to -1: it keeps records until the trainer has read them, then streamlearn"
                        + " deletes them", topic, retention == null ? "unset" : retention.value());
            }
            Map<TopicPartition, Long> gaps = gaps(admin, topic, group, timeout);
            gaps.forEach((tp, n) -> LOG.warn("{} records on {} were deleted before the trainer read them (its committed"
                    + " offset is below the partition's first): {}", n, tp, lost));
            return gaps;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not check the trainer's topic '" + topic + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Per partition, how many records lie between the group's committed offset and the partition's first offset. */
    static Map<TopicPartition, Long> gaps(Admin admin, String topic, String group, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, topic, group, timeout);
        if (committed.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> earliest = committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.earliest()));
        var first = admin.listOffsets(earliest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> gaps = new HashMap<>();
        committed.forEach((tp, c) -> {
            long start = first.get(tp).offset();
            if (c.offset() < start) {
                gaps.put(tp, start - c.offset());
            }
        });
        return gaps;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String topic, String group, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        return committed(admin, List.of(topic), group, timeout);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, List<String> topics, String group,
                                                                    Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        all.forEach((tp, o) -> {
            if (topics.contains(tp.topic()) && o != null) {
                out.put(tp, o);
            }
        });
        return out;
    }

    /** Deletes from {@code topics}, every {@code interval}, what the trainer has committed. */
    static TrainerTopics purgeEvery(Admin admin, List<String> topics, String group, Duration interval) {
        TrainerTopics t = new TrainerTopics(admin, topics, group, Duration.ofSeconds(30));
        t.purger.scheduleWithFixedDelay(t::purgeQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return t;
    }

    /** Deletes every record below the group's committed offsets; returns the offsets deleted up to. */
    Map<TopicPartition, Long> purge() throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        committed(admin, topics, group, timeout).forEach((tp, o) -> delete.put(tp, RecordsToDelete.beforeOffset(o.offset())));
        if (!delete.isEmpty()) {
            admin.deleteRecords(delete).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        Map<TopicPartition, Long> upTo = new HashMap<>();
        delete.forEach((tp, r) -> upTo.put(tp, r.beforeOffset()));
        return upTo;
    }

    private void purgeQuietly() {
        try {
            purge();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The next round tries again; what is not deleted is only disk, never an example.
            LOG.debug("purging {} failed: {}", topics, e.toString());
        }
    }

    @Override
    public void close() {
        purger.shutdownNow();
        try {
            purger.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
