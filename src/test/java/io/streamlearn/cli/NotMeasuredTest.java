package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Label;
import io.streamlearn.snapshot.SnapshotMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `models` and `weights` on a snapshot whose accuracy was never measured (initial weights
 * nobody trained, a retrain without a holdout): "-" and "not measured", never 0.0000.
 */
class NotMeasuredTest {
    private final OnlineLearner learner = OnlineLearner.fresh(ConfigLoader.defaults().model("default"));

    private WeightSnapshot snapshot() {
        return SnapshotMapper.snapshot(learner, 0, 0, SnapshotSource.LIVE, null);
    }

    @Test
    void aModelNothingWasScoredForShowsDashesInItsRow() {
        List<String> columns = List.of(ModelsCommand.row(snapshot()).trim().split("\\s+"));
        // MODEL VERSION SOURCE EXAMPLES UPDATES ACCURACY LOGLOSS CREATED
        assertEquals(List.of("default", "0", "LIVE", "0", "0", "-", "-"), columns.subList(0, 7));
    }

    @Test
    void aMeasuredModelShowsItsFigures() {
        learner.learn(new double[] {1, 2}, Label.of(1), 0);
        learner.learn(new double[] {-1, -2}, Label.of(0), 0);
        WeightSnapshot s = snapshot();
        List<String> columns = List.of(ModelsCommand.row(s).trim().split("\\s+"));
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", s.getMetrics().getAccuracy()), columns.get(5));
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", s.getMetrics().getLogLoss()), columns.get(6));
    }
}
