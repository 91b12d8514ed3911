package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import io.streamlearn.model.optim.LearningRateSchedule;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optimizer's schedule and the normalized AdaGrad, as a config declares them. */
class OptimizerScheduleConfigTest {

    private static OptimizerSpec optimizer(String yaml) {
        return ConfigLoader.fromYaml("defaultModel: m\nmodels:\n  - {id: m, inputSize: 2, optimizer: " + yaml + "}\n",
                Map.of()).model("m").spec().optimizer();
    }

    @Test
    void aScheduleAndItsParametersAreRead() {
        OptimizerSpec o = optimizer("{kind: sgd, learningRate: 0.1, schedule: invscaling, powerT: 0.25}");
        assertEquals(new LearningRateSchedule(LearningRateSchedule.Kind.INVSCALING, 0.25, 1000, 0.5), o.schedule());
        o = optimizer("{kind: adam, schedule: exponential, decaySteps: 500, decayRate: 0.9}");
        assertEquals(new LearningRateSchedule(LearningRateSchedule.Kind.EXPONENTIAL, 0.5, 500, 0.9), o.schedule());
    }

    @Test
    void withoutAScheduleTheRateIsConstant() {
        assertEquals(LearningRateSchedule.CONSTANT, optimizer("{kind: adam}").schedule());
    }

    @Test
    void theNormalizedAdaGradHasItsOwnDefaults() {
        OptimizerSpec o = optimizer("{kind: normalized_adagrad}");
        assertEquals(OptimizerKind.NORMALIZED_ADAGRAD, o.kind());
        assertEquals(0.5, o.learningRate());
        assertEquals(0.0, o.initialAccumulator());
        assertEquals(OptimizerKind.NORMALIZED_ADAGRAD, optimizer("{kind: normalized}").kind());
    }

    @Test
    void badScheduleValuesAreRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> optimizer("{schedule: sometimes, decaySteps: 0}"));
        assertTrue(e.getMessage().contains("constant, invscaling, step or exponential"), e.getMessage());
        assertTrue(e.getMessage().contains("decaySteps"), e.getMessage());
    }
}
