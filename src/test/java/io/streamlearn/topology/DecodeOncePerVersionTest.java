package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.snapshot.DecodedSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scoring decodes a model's weights once per version, never once per event: the global
 * processor decodes each version once into the registry, and the scoring task copies that
 * network once per version (the listener hears each copy), then scores every event with it.
 */
class DecodeOncePerVersionTest {
    private static final int EVENTS = 50;

    private static final class Loads implements TopologyListener {
        final List<String> loads = new ArrayList<>();

        @Override
        public void scoringLoaded(String model, long version) {
            loads.add(model + "@" + version);
        }
    }

    private static void events(TopologyFixture f, long timestamp) {
        for (int i = 0; i < EVENTS; i++) {
            f.event("k" + i, "{\"features\": [1, " + i + "]}", timestamp);
        }
    }

    @Test
    void oneDecodeAndOneCopyPerVersion() {
        Loads loads = new Loads();
        String yaml = TrainingTopologyTest.linearModel("{mode: stochastic}", 1);
        try (TopologyFixture f = new TopologyFixture(ConfigLoader.fromYaml(yaml, Map.of()), loads)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            DecodedSnapshot v1 = f.registry.get("lin");
            events(f, 150);
            assertSame(v1, f.registry.get("lin"), "version 1 decoded once, not again per event");
            assertSame(v1.network(), f.registry.get("lin").network());
            assertEquals(List.of("lin@1"), loads.loads, EVENTS + " events, one copy");

            f.example("{\"features\": [2, 0], \"label\": 0}", 200);
            DecodedSnapshot v2 = f.registry.get("lin");
            assertNotSame(v1, v2);
            events(f, 250);
            assertSame(v2, f.registry.get("lin"));
            assertEquals(List.of("lin@1", "lin@2"), loads.loads, "a new version is decoded and copied once");

            List<ScoredEvent> scored = f.readScored();
            assertEquals(2 * EVENTS, scored.size());
            assertEquals(EVENTS, scored.stream().filter(p -> p.version() == 1).count());
            assertEquals(EVENTS, scored.stream().filter(p -> p.version() == 2).count());
        }
    }
}
