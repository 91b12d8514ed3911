package io.streamlearn.evaluate;

import io.streamlearn.config.DriftPolicy;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.model.Activation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import io.streamlearn.model.Scaling;
import io.streamlearn.model.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * What {@code --compare KEY=V1,V2,…} varies: each value makes a variant of every model, and
 * several {@code --compare} make every combination. Keys:
 * <ul>
 *   <li>{@code update}: stochastic, count:N (mini-batch of N), window:MS (event time: example i
 *       at i × the time step), full (one update per pass);</li>
 *   <li>{@code optimizer}: a kind with its defaults (sgd, momentum, adagrad, rmsprop, adam,
 *       normalized_adagrad); {@code lr}: the learning rate; {@code schedule}: constant,
 *       invscaling, step, exponential;</li>
 *   <li>{@code scaling}: standard, minmax, none; {@code l2}; {@code seed};</li>
 *   <li>{@code hidden}: one hidden layer of N units (N:activation, relu unless named), 0 for none;</li>
 *   <li>{@code drift}: report, reset (the optimizer's state at a drift), background (a learner trained
 *       from a warning on, swapped in at the drift when better).</li>
 * </ul>
 */
public final class Variants {
    public static final List<String> KEYS = List.of("update", "optimizer", "lr", "schedule", "scaling", "l2", "seed", "hidden",
            "drift");

    private Variants() {
    }

    /** One value of a key: its label and what it does to a model. */
    public record Variant(String label, UnaryOperator<ModelConfig> apply) {
    }

    /** Every value of one {@code KEY=V1,V2,…}. */
    public static List<Variant> parse(String compare) {
        int eq = compare.indexOf('=');
        if (eq <= 0 || eq == compare.length() - 1) {
            throw new IllegalArgumentException("--compare takes KEY=V1,V2,… (keys: " + String.join(", ", KEYS) + "), got '"
                    + compare + "'");
        }
        String key = compare.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        List<Variant> out = new ArrayList<>();
        for (String v : compare.substring(eq + 1).split(",")) {
            String value = v.trim();
            out.add(new Variant(key + "=" + value, variant(key, value)));
        }
        return out;
    }

    private static UnaryOperator<ModelConfig> variant(String key, String value) {
        return switch (key) {
            case "drift" -> {
                DriftPolicy policy = new DriftPolicy(DriftPolicy.Action.parse(value));
                yield c -> new ModelConfig(c.id(), c.spec(), c.update(), c.snapshot(), c.initialWeights(),
                        c.initialBiases(), policy, c.eventTime());
            }
            case "update" -> {
                UpdateMode mode = updateMode(value);
                yield c -> new ModelConfig(c.id(), c.spec(), mode, c.snapshot(), c.initialWeights(), c.initialBiases(),
                        c.drift(), c.eventTime());
            }
            case "optimizer" -> {
                OptimizerKind kind = OptimizerKind.parse(value);
                yield c -> withSpec(c, c.spec().withOptimizer(OptimizerSpec.defaults(kind)
                        .withSchedule(c.spec().optimizer().schedule())));
            }
            case "lr", "learningrate" -> {
                double lr = number(key, value);
                yield c -> withSpec(c, c.spec().withOptimizer(c.spec().optimizer().withLearningRate(lr)));
            }
            case "schedule" -> {
                LearningRateSchedule s = LearningRateSchedule.of(LearningRateSchedule.Kind.parse(value));
                yield c -> withSpec(c, c.spec().withOptimizer(c.spec().optimizer().withSchedule(s)));
            }
            case "scaling" -> {
                Scaling s = Scaling.parse(value);
                yield c -> withSpec(c, c.spec().withScaling(s));
            }
            case "l2" -> {
                double l2 = number(key, value);
                yield c -> withSpec(c, new ModelSpec(c.spec().inputSize(), c.spec().layers(), c.spec().loss(),
                        c.spec().optimizer(), l2, c.spec().seed(), c.spec().scaling()));
            }
            case "seed" -> {
                long seed = (long) number(key, value);
                yield c -> withSpec(c, new ModelSpec(c.spec().inputSize(), c.spec().layers(), c.spec().loss(),
                        c.spec().optimizer(), c.spec().l2(), seed, c.spec().scaling()));
            }
            case "hidden" -> {
                LayerSpec hidden = hidden(value);
                yield c -> {
                    List<LayerSpec> layers = c.spec().layers();
                    LayerSpec output = layers.get(layers.size() - 1);
                    List<LayerSpec> next = hidden == null ? List.of(output) : List.of(hidden, output);
                    return withSpec(c, new ModelSpec(c.spec().inputSize(), next, c.spec().loss(), c.spec().optimizer(),
                            c.spec().l2(), c.spec().seed(), c.spec().scaling()));
                };
            }
            default -> throw new IllegalArgumentException("--compare: unknown key '" + key + "' (keys: "
                    + String.join(", ", KEYS) + ")");
        };
    }

    private static ModelConfig withSpec(ModelConfig c, ModelSpec spec) {
        // explicit initial weights fit only the network they were given for
        boolean sameShape = spec.layers().equals(c.spec().layers());
        return new ModelConfig(c.id(), spec, c.update(), c.snapshot(), sameShape ? c.initialWeights() : null,
                sameShape ? c.initialBiases() : null, c.drift(), c.eventTime());
    }

    /** stochastic, count:N, window:MS or full. */
    static UpdateMode updateMode(String value) {
        String[] parts = value.toLowerCase(Locale.ROOT).split(":", 2);
        return switch (parts[0]) {
            case "stochastic", "sgd", "1" -> UpdateMode.stochastic();
            case "count", "batch", "mini_batch", "minibatch" -> UpdateMode.count((int) number("update", arg(parts, "count:32")));
            case "window" -> UpdateMode.window((long) number("update", arg(parts, "window:1000")));
            case "full", "full_batch", "all" -> new UpdateMode(UpdateMode.Kind.FULL_BATCH, 0, 0);
            default -> throw new IllegalArgumentException("--compare update: '" + value
                    + "' is not stochastic, count:N, window:MS or full");
        };
    }

    private static String arg(String[] parts, String example) {
        if (parts.length < 2) {
            throw new IllegalArgumentException("--compare update: give the size, e.g. " + example);
        }
        return parts[1];
    }

    private static LayerSpec hidden(String value) {
        String[] parts = value.split(":", 2);
        int units = (int) number("hidden", parts[0]);
        if (units == 0) {
            return null;
        }
        return new LayerSpec(units, parts.length > 1 ? Activation.parse(parts[1]) : Activation.RELU);
    }

    private static double number(String key, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--compare " + key + ": '" + value + "' is not a number");
        }
    }
}
