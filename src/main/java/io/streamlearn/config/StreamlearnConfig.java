package io.streamlearn.config;

import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration of one streamlearn application, validated. Built by
 * {@link ConfigLoader} from a YAML file, environment and command-line overrides; every other
 * class takes what it needs from here (topic names included), never from literals.
 *
 * @param applicationId    Kafka Streams application.id: the consumer group and the prefix of internal topics
 * @param bootstrapServers Kafka bootstrap servers
 * @param topics           names of the five topics, prefix applied
 * @param partitions       partitions of topics created at start (examples, model requests, the re-keying topic)
 * @param eventsPartitions partitions of events and scored-events when created at start: scoring's parallelism, apart from training's
 * @param replicationFactor replication factor of topics created at start
 * @param formats          value format of each topic
 * @param guarantee        exactly_once_v2 (default) or at_least_once
 * @param commitIntervalMs Kafka Streams commit.interval.ms, or -1 for Kafka's default for the guarantee
 * @param stateDir         Kafka Streams state.dir, or null for Kafka's default
 * @param maxFeatures      longest feature vector accepted; longer ones are dead-lettered unread
 * @param defaultModel     model of a record that names none
 * @param models           declared models by id, in declaration order
 * @param kafka            any Kafka client property, passed through (security settings, tuning)
 * @param httpPort         port of the HTTP API and dashboard, -1 for none
 * @param failover         how instances of the application take over from each other
 */
public record StreamlearnConfig(
        String applicationId,
        String bootstrapServers,
        TopicNames topics,
        int partitions,
        int eventsPartitions,
        short replicationFactor,
        TopicFormats formats,
        ProcessingGuarantee guarantee,
        long commitIntervalMs,
        String stateDir,
        int maxFeatures,
        String defaultModel,
        Map<String, ModelConfig> models,
        Map<String, String> kafka,
        int httpPort,
        FailoverConfig failover) {

    public StreamlearnConfig {
        Objects.requireNonNull(topics);
        Objects.requireNonNull(failover);
        models = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(models));
        kafka = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(kafka));
    }

    public ModelConfig model(String id) {
        return models.get(id);
    }

    /** A copy pointing at other bootstrap servers (the demo and tests start their own broker). */
    public StreamlearnConfig withBootstrapServers(String servers) {
        return new StreamlearnConfig(applicationId, servers, topics, partitions, eventsPartitions, replicationFactor, formats,
                guarantee, commitIntervalMs, stateDir, maxFeatures, defaultModel, models, kafka, httpPort, failover);
    }

    /** A copy with other topic names (bench measures on topics of its own). */
    public StreamlearnConfig withTopics(TopicNames names) {
        return new StreamlearnConfig(applicationId, bootstrapServers, names, partitions, eventsPartitions, replicationFactor, formats,
                guarantee, commitIntervalMs, stateDir, maxFeatures, defaultModel, models, kafka, httpPort, failover);
    }

    /** A copy with other models (the demo declares its own). */
    public StreamlearnConfig withModels(Map<String, ModelConfig> declared) {
        return new StreamlearnConfig(applicationId, bootstrapServers, topics, partitions, eventsPartitions, replicationFactor, formats,
                guarantee, commitIntervalMs, stateDir, maxFeatures, defaultModel, declared, kafka, httpPort, failover);
    }

    public StreamlearnConfig withStateDir(String dir) {
        return new StreamlearnConfig(applicationId, bootstrapServers, topics, partitions, eventsPartitions, replicationFactor, formats,
                guarantee, commitIntervalMs, dir, maxFeatures, defaultModel, models, kafka, httpPort, failover);
    }
}
