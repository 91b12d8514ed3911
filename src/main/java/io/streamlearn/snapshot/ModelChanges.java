package io.streamlearn.snapshot;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.ModelEntry;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a declared model differs from the newest version published under its id. A change of
 * what the network computes (input size, layers, loss, feature scaling) cannot be applied to learned weights:
 * it is {@link #refused}. A change of how it learns (optimizer and its rates, L2, update mode)
 * is {@link #applied} from the next start on.
 */
public record ModelChanges(String model, List<String> refused, List<String> applied) {

    public static ModelChanges between(ModelConfig declared, WeightSnapshot newest) {
        ModelSpec was = SnapshotMapper.spec(newest.getSpec());
        ModelSpec now = declared.spec();
        List<String> refused = ModelEntry.refusedChanges(was, now);
        List<String> applied = new ArrayList<>();
        // A retrain may train with another optimizer than the declared one; the live learner
        // goes on with the declared one, so that difference is no change of configuration.
        if (newest.getSource() != SnapshotSource.RETRAIN) {
            optimizerChanges(was.optimizer(), now.optimizer(), applied);
            if (was.l2() != now.l2()) {
                applied.add("l2 " + was.l2() + " → " + now.l2());
            }
            UpdateMode wasMode = SnapshotMapper.updateMode(newest.getSpec());
            if (!wasMode.equals(declared.update())) {
                applied.add("update " + wasMode + " → " + declared.update());
            }
        }
        return new ModelChanges(declared.id(), List.copyOf(refused), List.copyOf(applied));
    }

    public boolean isRefused() {
        return !refused.isEmpty();
    }

    /** What a user reads when the start is refused: the model, the fields, and the way on. */
    public String refusal(String weightsTopic) {
        return "model '" + model + "' was published to '" + weightsTopic + "' with another shape (" + String.join(", ", refused)
                + "): learned weights cannot take it. Declare the new network under a new model id (for example '"
                + model + "-2'), or put the old values back";
    }

    private static void optimizerChanges(OptimizerSpec was, OptimizerSpec now, List<String> out) {
        if (was.kind() != now.kind()) {
            out.add("optimizer " + name(was.kind()) + " → " + name(now.kind()) + " (its state starts afresh)");
        }
        if (was.learningRate() != now.learningRate()) {
            out.add("learningRate " + was.learningRate() + " → " + now.learningRate());
        }
        if (was.kind() == now.kind() && !was.equals(now.withLearningRate(was.learningRate()))) {
            out.add("optimizer settings " + was + " → " + now);
        }
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
