package io.streamlearn.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.learn.OnlineLearner;
import org.junit.jupiter.api.Test;

/** What `models` and `weights` print of a snapshot's figures: "-" for what is not measured, never 0. */
class PublishedFiguresTest {

    @Test
    void aModelThatHasSeenNothingShowsNothingMeasured() {
        OnlineLearner fresh = OnlineLearner.fresh(ConfigLoader.defaults().model("default"));
        WeightSnapshot s = SnapshotMapper.snapshot(fresh, 0, 0, SnapshotSource.LIVE, null);
        assertNull(PublishedFigures.accuracy(s));
        assertEquals("        -", PublishedFigures.cell(PublishedFigures.accuracy(s)));
        assertEquals("        -", PublishedFigures.cell(PublishedFigures.logLoss(s)));
        assertTrue(PublishedFigures.line(s).startsWith("figures over 0 examples: accuracy - (last window -, fading -)"),
                PublishedFigures.line(s));
    }

    @Test
    void aSnapshotWithoutFiguresFallsBackToItsAccuracy() {
        OnlineLearner l = OnlineLearner.fresh(ConfigLoader.defaults().model("default"));
        l.learn(new double[] {1, 2}, 1, null, 0);
        WeightSnapshot s = SnapshotMapper.snapshot(l, 1, 0, SnapshotSource.LIVE, null);
        assertEquals(l.evaluation().accuracy(), PublishedFigures.accuracy(s));
        s.setFigures(null); // as written before the figures existed
        assertEquals(l.metrics().accuracy(), PublishedFigures.accuracy(s));
        assertNull(PublishedFigures.line(s));
    }
}
