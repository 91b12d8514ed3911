package io.streamlearn.model;

import io.streamlearn.model.optim.AdaGrad;
import io.streamlearn.model.optim.Adam;
import io.streamlearn.model.optim.LearningRateSchedule;
import io.streamlearn.model.optim.Momentum;
import io.streamlearn.model.optim.NormalizedAdaGrad;
import io.streamlearn.model.optim.Optimizer;
import io.streamlearn.model.optim.RmsProp;
import io.streamlearn.model.optim.Sgd;

/**
 * An optimizer, its hyper-parameters and its learning-rate schedule; those its kind does not use
 * keep their defaults so that every snapshot carries the full set.
 */
public record OptimizerSpec(OptimizerKind kind, double learningRate, double beta1, double beta2,
                            double epsilon, double momentum, double rho, double initialAccumulator,
                            LearningRateSchedule schedule) {

    public OptimizerSpec {
        if (schedule == null) {
            schedule = LearningRateSchedule.CONSTANT;
        }
    }

    /** A constant learning rate: what every optimizer had before schedules. */
    public OptimizerSpec(OptimizerKind kind, double learningRate, double beta1, double beta2, double epsilon,
                         double momentum, double rho, double initialAccumulator) {
        this(kind, learningRate, beta1, beta2, epsilon, momentum, rho, initialAccumulator, LearningRateSchedule.CONSTANT);
    }

    /**
     * Keras' defaults for each kind (Momentum is Keras' SGD with momentum 0.9). The normalized
     * AdaGrad takes Vowpal Wabbit's: rate 0.5 and an accumulator from 0, which its invariance to
     * input scale needs (a fixed starting value would not scale with the gradients).
     */
    public static OptimizerSpec defaults(OptimizerKind kind) {
        double lr = switch (kind) {
            case SGD, MOMENTUM -> 0.01;
            case NORMALIZED_ADAGRAD -> 0.5;
            default -> 0.001;
        };
        double initialAccumulator = kind == OptimizerKind.NORMALIZED_ADAGRAD ? 0.0 : 0.1;
        return new OptimizerSpec(kind, lr, 0.9, 0.999, 1e-7, 0.9, 0.9, initialAccumulator);
    }

    /** The optimizer of this kind with the hyper-parameters it uses. */
    public Optimizer optimizer() {
        return switch (kind) {
            case SGD -> new Sgd(learningRate, schedule);
            case MOMENTUM -> new Momentum(learningRate, momentum, schedule);
            case ADAGRAD -> new AdaGrad(learningRate, epsilon, initialAccumulator, schedule);
            case RMSPROP -> new RmsProp(learningRate, rho, epsilon, schedule);
            case ADAM -> new Adam(learningRate, beta1, beta2, epsilon, schedule);
            case NORMALIZED_ADAGRAD -> new NormalizedAdaGrad(learningRate, epsilon, initialAccumulator, schedule);
        };
    }

    public OptimizerSpec withLearningRate(double lr) {
        return new OptimizerSpec(kind, lr, beta1, beta2, epsilon, momentum, rho, initialAccumulator, schedule);
    }

    public OptimizerSpec withSchedule(LearningRateSchedule s) {
        return new OptimizerSpec(kind, learningRate, beta1, beta2, epsilon, momentum, rho, initialAccumulator, s);
    }
}
