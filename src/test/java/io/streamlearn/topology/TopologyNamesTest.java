package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.snapshot.ModelRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Pins every processor, source, sink and store name, and the internal topics derived from them:
 * a rename would silently give a running application new changelog and repartition topics (its
 * state rebuilt from scratch), so it must fail here first.
 */
class TopologyNamesTest {
    private static final String YAML = TrainingTopologyTest.linearModel("{mode: stochastic}", 1);

    private static final Set<String> ALWAYS = Set.of(Names.EXAMPLES_SOURCE, Names.EXAMPLES_VALIDATE,
            Names.EXAMPLES_DEAD_LETTERS, Names.TRAIN, Names.WEIGHTS_SINK, Names.EVENTS_SOURCE, Names.SCORE,
            Names.SCORED_EVENTS_SINK, Names.EVENTS_DEAD_LETTERS, Names.WEIGHTS_GLOBAL_SOURCE, Names.WEIGHTS_GLOBAL_UPDATE,
            Names.REQUESTS_SOURCE, Names.REQUESTS_VALIDATE, Names.REQUESTS_DEAD_LETTERS, Names.WEIGHTS_HISTORY_SINK,
            Names.TRAIN_DEAD_LETTERS, Names.DRIFT_SINK, Names.CATALOGUE_GLOBAL_SOURCE, Names.CATALOGUE_GLOBAL_UPDATE);

    /** Node names, store names and internal topic names found in a description. */
    private record Described(Set<String> nodes, Set<String> stores, Set<String> topics) {
        static Described of(TopologyDescription d) {
            Described out = new Described(new HashSet<>(), new HashSet<>(), new HashSet<>());
            d.subtopologies().forEach(s -> s.nodes().forEach(out::add));
            d.globalStores().forEach(g -> {
                out.add(g.source());
                out.add(g.processor());
            });
            return out;
        }

        void add(TopologyDescription.Node n) {
            nodes.add(n.name());
            if (n instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
            } else if (n instanceof TopologyDescription.Sink s) {
                topics.add(s.topic());
            } else if (n instanceof TopologyDescription.Source s) {
                topics.addAll(s.topicSet());
            }
        }
    }

    private static Described describe(StreamlearnConfig config) {
        return Described.of(TopologyFactory.build(config, RecordLimits.KAFKA_DEFAULTS, new ModelRegistry(), TopologyListener.NONE).describe());
    }

    @Test
    void onePartitionUsesExactlyTheNamedNodesAndStores() {
        Described d = describe(ConfigLoader.fromYaml(YAML, Map.of()));
        assertEquals(ALWAYS, d.nodes());
        assertEquals(Set.of(Names.MODEL_STORE, Names.PRE_COMMIT_STORE, Names.WEIGHTS_GLOBAL_STORE, Names.CATALOGUE_GLOBAL_STORE), d.stores());
    }

    @Test
    void severalPartitionsAddTheNamedRepartitionHop() {
        StreamlearnConfig config = ConfigLoader.fromYaml(YAML + "topics: {partitions: 3}\n", Map.of());
        Described d = describe(config);
        Set<String> expected = new HashSet<>(ALWAYS);
        expected.add(Names.REPARTITION_SINK);
        expected.add(Names.REPARTITION_SOURCE);
        assertEquals(expected, d.nodes());
        assertEquals(Set.of(Names.MODEL_STORE, Names.PRE_COMMIT_STORE, Names.WEIGHTS_GLOBAL_STORE, Names.CATALOGUE_GLOBAL_STORE), d.stores());
        assertEquals("ttd-examples-by-model", Names.repartitionTopic(config.applicationId()));
        assertTrue(d.topics().contains(Names.repartitionTopic(config.applicationId())), d.topics().toString());
    }

    @Test
    void theModelStoreChangelogIsTheNamedTopic() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            assertEquals("ttd-model-state-store-changelog", Names.modelStoreChangelog(f.config.applicationId()));
            Set<String> internal = new HashSet<>(f.driver.producedTopicNames());
            internal.removeAll(f.config.topics().all());
            assertEquals(Set.of(Names.modelStoreChangelog(f.config.applicationId())), internal,
                    "the only topic written besides the configured five");
        }
    }
}
