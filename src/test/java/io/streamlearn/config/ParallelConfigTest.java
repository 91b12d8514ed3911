package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.model.MergeRule;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code parallel:} opts one model into data-parallel training; what cannot work is refused with why. */
class ParallelConfigTest {

    private static StreamlearnConfig load(String models) {
        return ConfigLoader.fromYaml("models:\n" + models, Map.of("defaultModel", "a"));
    }

    @Test
    void readsSyncEveryAndMerge() {
        StreamlearnConfig c = load("""
                  - {id: a, inputSize: 2, scaling: none, parallel: {syncEvery: 16, merge: sum}}
                  - {id: b, inputSize: 2, scaling: none, parallel: {}}
                  - {id: c, inputSize: 2}
                """);
        assertEquals(new ParallelPolicy(16, MergeRule.SUM, ParallelPolicy.DEFAULT_MAX_LAG), c.model("a").parallel());
        assertEquals(new ParallelPolicy(ParallelPolicy.DEFAULT_SYNC_EVERY, MergeRule.AVERAGE, 8), c.model("b").parallel());
        assertNull(c.model("c").parallel());
        assertTrue(c.model("a").isParallel());
        assertFalse(c.model("c").isParallel());
    }

    /** How many rounds a round waits for a replica that sent nothing before it is merged without it. */
    @Test
    void readsMaxLag() {
        StreamlearnConfig c = load("  - {id: a, inputSize: 2, scaling: none, parallel: {syncEvery: 16, maxLag: 3}}\n");
        assertEquals(new ParallelPolicy(16, MergeRule.AVERAGE, 3), c.model("a").parallel());
        assertEquals(1, load("  - {id: a, inputSize: 2, scaling: none, parallel: {maxLag: 1}}\n").model("a").parallel().maxLag());
    }

    @Test
    void aMaxLagBelowOneIsRefusedWithWhatToGive() {
        for (String lag : new String[] {"0", "-2", "1.5", "soon"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> load("  - {id: a, inputSize: 2, scaling: none, parallel: {maxLag: " + lag + "}}\n"), lag);
            assertTrue(e.getMessage().contains("models[0].parallel.maxLag"), e.getMessage());
            assertTrue(e.getMessage().contains(lag.startsWith("-") || lag.equals("0") ? "must be between 1 and" : "whole number"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new ParallelPolicy(8, MergeRule.SUM, 0));
    }

    @Test
    void countModeIsAllowed() {
        StreamlearnConfig c = load("  - {id: a, inputSize: 2, scaling: none, update: {mode: count, batchSize: 8}, parallel: {syncEvery: 32}}\n");
        assertEquals(32, c.model("a").parallel().syncEvery());
    }

    @Test
    void windowModeIsRefusedWithWhy() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(
                "  - {id: a, inputSize: 2, scaling: none, update: {mode: window, windowMs: 1000}, parallel: {syncEvery: 8}}\n"));
        assertTrue(e.getMessage().contains("does not take update mode window"), e.getMessage());
        assertTrue(e.getMessage().contains("parallel"), e.getMessage());
    }

    /** Replicas merge their scaler statistics with their deltas, so the default scaling is taken as is. */
    @Test
    void featureScalingIsAllowed() {
        StreamlearnConfig c = load("""
                  - {id: a, inputSize: 2, parallel: {syncEvery: 8}}
                  - {id: b, inputSize: 2, scaling: minmax, parallel: {}}
                """);
        assertEquals(io.streamlearn.model.Scaling.STANDARD, c.model("a").spec().scaling());
        assertEquals(io.streamlearn.model.Scaling.MINMAX, c.model("b").spec().scaling());
        assertTrue(c.model("a").isParallel());
    }

    @Test
    void badValuesAreNamed() {
        ConfigException zero = assertThrows(ConfigException.class,
                () -> load("  - {id: a, inputSize: 2, scaling: none, parallel: {syncEvery: 0}}\n"));
        assertTrue(zero.getMessage().contains("syncEvery"), zero.getMessage());
        ConfigException merge = assertThrows(ConfigException.class,
                () -> load("  - {id: a, inputSize: 2, scaling: none, parallel: {merge: median}}\n"));
        assertTrue(merge.getMessage().contains("average or sum"), merge.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> load("  - {id: a, inputSize: 2, scaling: none, parallel: {every: 3}}\n"));
        assertTrue(unknown.getMessage().contains("every"), unknown.getMessage());
    }
}
