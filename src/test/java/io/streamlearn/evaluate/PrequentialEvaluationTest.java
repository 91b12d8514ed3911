package io.streamlearn.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Label;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialEvaluationTest {

    private static ModelConfig defaults(String id, int inputs) {
        return ConfigLoader.load(null, java.util.Map.of("defaultModel", id, "models.0.id", id,
                "models.0.inputSize", String.valueOf(inputs))).model(id);
    }

    @Test
    void itsFiguresAreThoseOfTheLiveLearnerOnTheSameExamples() {
        Streams.Data data = Streams.named("sea", 3000, 7);
        ModelConfig c = defaults("sea", 3);
        Result r = PrequentialEvaluation.run(data, List.of(new Candidate("sea", c)), Options.defaults()).get(0);
        OnlineLearner live = OnlineLearner.fresh(c);
        long t = 0;
        for (Example e : data.rows()) {
            live.learn(e.features(), Label.of(e.label()), t);
            t++;
        }
        assertEquals(live.evaluation().accuracy(), r.evaluation().accuracy(), 0.0);
        assertEquals(live.network().updatesApplied(), r.updates());
        assertEquals(3000, r.evaluation().examples());
        assertTrue(r.examplesPerSecond() > 0);
        assertTrue(r.curve().x().length >= 100, "a learning curve of about 200 points");
    }

    @Test
    void theTutorialsComparisonStochasticMiniBatchAndFullBatch() {
        Streams.Data blobs = Streams.named("blobs", 0, 42);
        ModelConfig base = defaults("blobs", 2);
        List<Candidate> models = Variants.parse("update=stochastic,count:32,full").stream()
                .map(v -> new Candidate(v.label(), v.apply().apply(base))).toList();
        Options o = new Options(10, true, 42, 0.25, 1000, 50, 1);
        List<Result> results = PrequentialEvaluation.run(blobs, models, o);
        assertEquals(List.of("update=stochastic", "update=count:32", "update=full"),
                results.stream().map(r -> r.candidate().name()).toList());
        assertEquals(1500, results.get(0).updates(), "150 examples, 10 passes");
        assertEquals(1500 / 32, results.get(1).updates(), "a batch of 32 every 32 examples, across passes");
        assertEquals(10, results.get(2).updates(), "one update per pass");
        for (Result r : results) {
            assertNotNull(r.test(), "50 held out");
            assertEquals(50, r.test().examples());
            assertTrue(r.test().accuracy() > 0.9, r.candidate().name() + ": " + r.test().accuracy());
            assertTrue(!Double.isNaN(r.lastPass().accuracy()));
        }
    }

    @Test
    void variantsChangeWhatTheyName() {
        ModelConfig base = defaults("m", 4);
        ModelConfig v = Variants.parse("hidden=8:tanh").get(0).apply().apply(base);
        assertEquals(2, v.spec().layers().size());
        assertEquals(UpdateMode.Kind.WINDOW, Variants.parse("update=window:500").get(0).apply().apply(base).update().kind());
        assertEquals(0.25, Variants.parse("lr=0.25").get(0).apply().apply(base).spec().optimizer().learningRate());
        assertThrows(IllegalArgumentException.class, () -> Variants.parse("colour=red"));
        assertThrows(IllegalArgumentException.class, () -> Variants.parse("update=count"));
    }

    @Test
    void labelsAModelCannotLearnAreCountedNotLearned() {
        Streams.Data iris = Streams.named("iris", 0, 42);
        Result r = PrequentialEvaluation.run(iris, List.of(new Candidate("binary", defaults("binary", 4))),
                Options.defaults()).get(0);
        assertEquals(50, r.refused(), "class 2 does not fit one sigmoid output");
        assertEquals(100, r.evaluation().examples());
    }
}
