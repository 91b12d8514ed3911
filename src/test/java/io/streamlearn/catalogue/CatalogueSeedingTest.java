package io.streamlearn.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.codec.CatalogueRecord;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.ModelEntry;
import io.streamlearn.config.StreamlearnConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The file seeds the catalogue: what it declares is written when new or edited since it was last
 * written; what commands changed, added or retired since stands across restarts.
 */
class CatalogueSeedingTest {
    private static final String YAML = """
            defaultModel: a
            models:
              - id: a
                inputSize: 2
                optimizer: {kind: sgd, learningRate: 0.1}
              - id: b
                inputSize: 3
            """;

    private static StreamlearnConfig config(String yaml) {
        return ConfigLoader.fromYaml(yaml, Map.of());
    }

    /** The catalogue as a first start leaves it, read back from its bytes as a restart reads it. */
    private static Map<String, CatalogueRecord> firstStart(StreamlearnConfig c) {
        Map<String, CatalogueRecord> topic = new LinkedHashMap<>();
        var codec = new io.streamlearn.codec.JsonCatalogueCodec();
        for (CatalogueRecord r : CatalogueSeeding.of(c, Map.of(), 1).writes()) {
            topic.put(r.id(), codec.decode(codec.encode(r)));
        }
        return topic;
    }

    @Test
    void aFirstStartWritesEveryModelOfTheFile() {
        StreamlearnConfig c = config(YAML);
        CatalogueSeeding s = CatalogueSeeding.of(c, Map.of(), 1);
        assertEquals(List.of("a", "b"), s.writes().stream().map(CatalogueRecord::id).toList());
        for (CatalogueRecord r : s.writes()) {
            assertEquals(r.model(), r.seed());
            assertEquals("file", r.changedBy());
        }
        assertEquals(List.of("a", "b"), List.copyOf(s.catalog().models().keySet()));
        assertTrue(CatalogueSeeding.of(c, firstStart(c), 2).writes().isEmpty(), "a second start writes nothing");
    }

    @Test
    void commandsStandUntilTheFilesEntryChanges() {
        StreamlearnConfig c = config(YAML);
        Map<String, CatalogueRecord> topic = firstStart(c);
        CatalogueRecord a = topic.get("a");
        // model set a optimizer.learningRate=0.5; model retire b; model add c
        var faster = ModelEntry.toJson(ModelEntry.parse(ModelEntry.with(a.model(), Map.of("optimizer.learningRate", "0.5")), "t"));
        topic.put("a", new CatalogueRecord(faster, false, a.seed(), "command", 2));
        topic.put("b", new CatalogueRecord(topic.get("b").model(), true, topic.get("b").seed(), "command", 2));
        var extra = ModelEntry.renamed(faster, "c");
        topic.put("c", new CatalogueRecord(extra, false, null, "command", 2));

        CatalogueSeeding restart = CatalogueSeeding.of(c, topic, 3);
        assertTrue(restart.writes().isEmpty(), restart.writes().toString());
        assertEquals(0.5, restart.catalog().model("a").spec().optimizer().learningRate());
        assertNull(restart.catalog().model("b"));
        assertEquals(3, restart.catalog().retired("b").spec().inputSize());
        assertEquals(0.5, restart.catalog().model("c").spec().optimizer().learningRate());

        // The file's entry of a is edited: the edit applies; b stays retired even though its entry changed.
        StreamlearnConfig edited = config(YAML.replace("learningRate: 0.1", "learningRate: 0.2").replace("inputSize: 3",
                "inputSize: 3\n    l2: 0.01"));
        CatalogueSeeding after = CatalogueSeeding.of(edited, topic, 4);
        assertEquals(List.of("a", "b"), after.writes().stream().map(CatalogueRecord::id).toList());
        assertEquals(0.2, after.catalog().model("a").spec().optimizer().learningRate());
        assertNull(after.catalog().model("b"));
        assertTrue(after.writes().get(1).retired());
        assertEquals(0.01, after.catalog().retired("b").spec().l2());
        assertEquals(0.5, after.catalog().model("c").spec().optimizer().learningRate());
    }
}
