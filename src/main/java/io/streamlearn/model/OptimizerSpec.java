package io.streamlearn.model;

import io.streamlearn.model.optim.AdaGrad;
import io.streamlearn.model.optim.Adam;
import io.streamlearn.model.optim.Momentum;
import io.streamlearn.model.optim.Optimizer;
import io.streamlearn.model.optim.RmsProp;
import io.streamlearn.model.optim.Sgd;

/**
 * An optimizer and its hyper-parameters; those its kind does not use keep their defaults so that
 * every snapshot carries the full set.
 */
public record OptimizerSpec(OptimizerKind kind, double learningRate, double beta1, double beta2,
                            double epsilon, double momentum, double rho, double initialAccumulator) {

    /** Keras' defaults for each kind (Momentum is Keras' SGD with momentum 0.9). */
    public static OptimizerSpec defaults(OptimizerKind kind) {
        double lr = kind == OptimizerKind.SGD || kind == OptimizerKind.MOMENTUM ? 0.01 : 0.001;
        return new OptimizerSpec(kind, lr, 0.9, 0.999, 1e-7, 0.9, 0.9, 0.1);
    }

    /** The optimizer of this kind with the hyper-parameters it uses. */
    public Optimizer optimizer() {
        return switch (kind) {
            case SGD -> new Sgd(learningRate);
            case MOMENTUM -> new Momentum(learningRate, momentum);
            case ADAGRAD -> new AdaGrad(learningRate, epsilon, initialAccumulator);
            case RMSPROP -> new RmsProp(learningRate, rho, epsilon);
            case ADAM -> new Adam(learningRate, beta1, beta2, epsilon);
        };
    }

    public OptimizerSpec withLearningRate(double lr) {
        return new OptimizerSpec(kind, lr, beta1, beta2, epsilon, momentum, rho, initialAccumulator);
    }
}
