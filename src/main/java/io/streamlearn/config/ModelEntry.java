package io.streamlearn.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One model as the configuration file declares it, as a JSON tree: the form the model catalogue
 * keeps and {@code streamlearn model add|set} edits. Reading goes through the very code that
 * reads a model of the file ({@link ConfigLoader}), so a model is accepted or refused the same
 * way wherever it comes from. Writing names every field, defaults resolved, so an entry means
 * the same thing whatever the defaults of a later version are.
 */
public final class ModelEntry {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelEntry() {
    }

    /** Every field of {@code model}, defaults resolved; {@link #parse} gives back the same model. */
    public static ObjectNode toJson(ModelConfig model) {
        ObjectNode n = JSON.createObjectNode();
        ModelSpec spec = model.spec();
        n.put("id", model.id());
        n.put("inputSize", spec.inputSize());
        ArrayNode layers = n.putArray("layers");
        for (LayerSpec l : spec.layers()) {
            layers.addObject().put("units", l.units()).put("activation", name(l.activation()));
        }
        n.put("loss", name(spec.loss()));
        OptimizerSpec o = spec.optimizer();
        ObjectNode opt = n.putObject("optimizer");
        opt.put("kind", name(o.kind()));
        opt.put("learningRate", o.learningRate());
        opt.put("beta1", o.beta1());
        opt.put("beta2", o.beta2());
        opt.put("epsilon", o.epsilon());
        opt.put("momentum", o.momentum());
        opt.put("rho", o.rho());
        opt.put("initialAccumulator", o.initialAccumulator());
        opt.put("schedule", name(o.schedule().kind()));
        opt.put("powerT", o.schedule().powerT());
        opt.put("decaySteps", o.schedule().decaySteps());
        opt.put("decayRate", o.schedule().decayRate());
        n.put("l2", spec.l2());
        n.put("seed", spec.seed());
        n.put("scaling", name(spec.scaling()));
        ObjectNode update = n.putObject("update");
        UpdateMode u = model.update();
        update.put("mode", u.kind().configName());
        switch (u.kind()) {
            case COUNT -> update.put("batchSize", u.batchSize());
            case WINDOW -> {
                update.put("windowMs", u.windowMs());
                update.put("graceMs", model.eventTime().graceMs());
            }
            default -> { }
        }
        n.put("maxFutureMs", model.eventTime().maxFutureMs());
        n.putObject("snapshot").put("everyUpdates", model.snapshot().everyUpdates())
                .put("everyMs", model.snapshot().everyMs());
        n.putObject("drift").put("action", name(model.drift().action()));
        if (model.parallel() != null) {
            n.putObject("parallel").put("syncEvery", model.parallel().syncEvery()).put("merge", name(model.parallel().merge()))
                    .put("maxLag", model.parallel().maxLag());
        }
        if (model.hasInitialWeights()) {
            n.set("initialWeights", matrices(model.initialWeights()));
            n.set("initialBiases", matrices(model.initialBiases()));
        }
        // As a reader of its bytes will see it (a long 42 reads back as an int node): entries are compared as trees.
        try {
            return (ObjectNode) JSON.readTree(JSON.writeValueAsBytes(n));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a model entry always reads back", e);
        }
    }

    /**
     * The model an entry declares, checked as the configuration file's models are.
     *
     * @param where what to call the entry in messages (a file, a command, a record of the catalogue)
     * @throws ConfigException listing every problem, each naming its key
     */
    public static ModelConfig parse(JsonNode entry, String where) {
        List<String> problems = new ArrayList<>();
        ModelConfig model = ConfigLoader.readModel(new ConfigNode(entry, where, problems));
        if (!problems.isEmpty() || model == null) {
            throw new ConfigException(problems.isEmpty() ? List.of(where + ": not a model") : problems);
        }
        return model;
    }

    /**
     * The entry with the given keys set, dotted as in the configuration file ({@code optimizer.learningRate},
     * {@code update.mode}), each value text read as the file's overrides are (`--set`).
     *
     * @throws ConfigException naming each key that cannot be set
     */
    public static ObjectNode with(JsonNode entry, Map<String, String> changes) {
        ObjectNode copy = entry.deepCopy();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> c : changes.entrySet()) {
            if (c.getKey().equals("id")) {
                problems.add("id: a model's id cannot change (add a model under the new id, then retire this one)");
                continue;
            }
            String problem = ConfigLoader.set(copy, c.getKey().replaceAll("\\[(\\d+)]", ".$1").split("\\.", -1),
                    c.getValue());
            if (problem != null) {
                problems.add(c.getKey() + ": " + problem);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return copy;
    }

    /** The same model with another id: an entry copied under a new name. */
    public static ObjectNode renamed(JsonNode entry, String id) {
        ObjectNode copy = entry.deepCopy();
        copy.put("id", id);
        return copy;
    }

    /**
     * What a change from {@code was} to {@code now} would change in what the network computes (input
     * size, layers, loss, feature scaling): learned weights cannot take it, so such a change is refused
     * wherever it comes from. Empty when the change only touches how the model learns.
     */
    public static List<String> refusedChanges(ModelConfig was, ModelConfig now) {
        return refusedChanges(was.spec(), now.spec());
    }

    /** The same between two networks' specs (a published version's and a declared model's, for instance). */
    public static List<String> refusedChanges(ModelSpec a, ModelSpec b) {
        List<String> out = new ArrayList<>();
        if (a.inputSize() != b.inputSize()) {
            out.add("inputSize " + a.inputSize() + " → " + b.inputSize());
        }
        if (!a.layers().equals(b.layers())) {
            out.add("layers " + layers(a) + " → " + layers(b));
        }
        if (a.loss() != b.loss()) {
            out.add("loss " + name(a.loss()) + " → " + name(b.loss()));
        }
        if (a.scaling() != b.scaling()) {
            // the weights were learned on features scaled the old way: they compute something else on the new
            out.add("scaling " + name(a.scaling()) + " → " + name(b.scaling()) + " (to keep the learned weights,"
                    + " declare scaling: " + name(a.scaling()) + ")");
        }
        return out;
    }

    /** Whether two models are declared alike in every field (arrays compared by value). */
    public static boolean same(ModelConfig a, ModelConfig b) {
        return a == b || (a != null && b != null && toJson(a).equals(toJson(b)));
    }

    private static String layers(ModelSpec spec) {
        List<String> out = new ArrayList<>();
        for (LayerSpec l : spec.layers()) {
            out.add(l.units() + "×" + name(l.activation()));
        }
        return out.toString();
    }

    private static ArrayNode matrices(double[][] rows) {
        ArrayNode out = JSON.createArrayNode();
        for (double[] row : rows) {
            ArrayNode r = out.addArray();
            for (double v : row) {
                r.add(v);
            }
        }
        return out;
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
