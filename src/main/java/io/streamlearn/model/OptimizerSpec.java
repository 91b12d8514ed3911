package io.streamlearn.model;

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

    public OptimizerSpec withLearningRate(double lr) {
        return new OptimizerSpec(kind, lr, beta1, beta2, epsilon, momentum, rho, initialAccumulator);
    }
}
