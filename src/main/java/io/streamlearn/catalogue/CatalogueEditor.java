package io.streamlearn.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.CatalogueRecord;
import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.ModelEntry;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.ModelChanges;
import io.streamlearn.snapshot.ModelRecordSizes;
import io.streamlearn.snapshot.WeightsReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Adds, changes and retires models in the catalogue while learners run, with the checks a start
 * makes on the configuration file: an entry is read by the same code ({@link ModelEntry}); a change
 * of shape or loss is refused, against the catalogue and against the newest published version;
 * a model too large for what the topics take now is refused. Each method returns what it wrote,
 * or throws {@link ConfigException} with every problem and the way on. The learners follow the
 * topic: every instance applies a change within moments, without a restart.
 */
public final class CatalogueEditor {
    private final StreamlearnConfig config;
    private final Properties client = new Properties();
    private final String changedBy;

    /**
     * @param clientProperties how to reach the cluster (bootstrap servers, security)
     * @param changedBy        who the records name as their writer: {@code command} or {@code http}
     */
    public CatalogueEditor(StreamlearnConfig config, Map<String, Object> clientProperties, String changedBy) {
        this.config = config;
        this.client.putAll(clientProperties);
        this.changedBy = changedBy;
    }

    /** The catalogue as on its topic now. */
    public Map<String, CatalogueRecord> current() {
        return CatalogueTopic.read(client, config.topics().catalogue());
    }

    /** A new model, or a retired one brought back (then {@code entry} may be null: its last settings). */
    public CatalogueRecord add(String id, JsonNode entry) {
        CatalogueRecord had = current().get(id);
        if (had != null && !had.retired()) {
            throw new ConfigException(List.of("model '" + id + "' is already in the catalogue: change it with"
                    + " 'streamlearn model set " + id + " key=value', or retire it first"));
        }
        if (entry == null && had == null) {
            throw new ConfigException(List.of("model '" + id + "' is not in the catalogue: give its settings"
                    + " (--json '{\"inputSize\": 2}' or inputSize=2), as a model of the configuration file"));
        }
        JsonNode given = entry == null ? had.model() : ModelEntry.renamed(entry, id);
        return write(id, ModelEntry.parse(given, "model '" + id + "'"), had);
    }

    /** The model's settings with {@code changes} (dotted keys as in the configuration file) applied. */
    public CatalogueRecord set(String id, Map<String, String> changes) {
        CatalogueRecord had = active(id);
        if (changes.isEmpty()) {
            throw new ConfigException(List.of("name at least one setting to change, e.g. optimizer.learningRate=0.05"));
        }
        if (config.model(id) != null && config.model(id).parallel() != null) {
            // Its replicas, in every examples task, were built from the file's settings at start.
            throw new ConfigException(List.of("model '" + id + "' is trained data-parallel: its settings change in the"
                    + " configuration file, with a restart of the learners"));
        }
        ObjectNode changed = ModelEntry.with(had.model(), changes);
        return write(id, ModelEntry.parse(changed, "model '" + id + "'"), had);
    }

    /**
     * Writes {@code model} as active, after the checks a start makes; {@code had} is its record now (null
     * for a new id), whose shape it must keep and whose seed it carries on.
     */
    private CatalogueRecord write(String id, ModelConfig model, CatalogueRecord had) {
        List<String> problems = new ArrayList<>();
        if (had != null) {
            problems.addAll(ModelEntry.refusedChanges(had.config("catalogue record '" + id + "'"), model));
        }
        if (problems.isEmpty()) {
            // One refusal is enough: the catalogue and the newest version agree on the shape.
            checkAgainstPublished(model, problems);
        }
        checkFits(model, problems);
        checkParallel(model, problems);
        refuseIf(id, problems);
        CatalogueRecord r = new CatalogueRecord(ModelEntry.toJson(model), false, had == null ? null : had.seed(), changedBy,
                System.currentTimeMillis());
        CatalogueTopic.write(client, config.topics().catalogue(), List.of(r));
        return r;
    }

    /** The model stops training and scoring on every instance; its weights stay on the weights topic. */
    public CatalogueRecord retire(String id) {
        CatalogueRecord had = active(id);
        CatalogueRecord r = new CatalogueRecord(had.model(), true, had.seed(), changedBy, System.currentTimeMillis());
        CatalogueTopic.write(client, config.topics().catalogue(), List.of(r));
        return r;
    }

    private CatalogueRecord active(String id) {
        CatalogueRecord had = current().get(id);
        if (had == null) {
            throw new ConfigException(List.of("model '" + id + "' is not in the catalogue '" + config.topics().catalogue()
                    + "' (see 'streamlearn model list'; 'streamlearn model add' adds one)"));
        }
        if (had.retired()) {
            throw new ConfigException(List.of("model '" + id + "' is retired; 'streamlearn model add " + id
                    + "' brings it back"));
        }
        return had;
    }

    /**
     * Data-parallel training changes the topology (replicas in every examples task), which is built at
     * start from the file: a model is parallel, and how, only as the file declares it.
     */
    private void checkParallel(ModelConfig model, List<String> problems) {
        ModelConfig file = config.model(model.id());
        Object declared = file == null ? null : file.parallel();
        if (!java.util.Objects.equals(declared, model.parallel())) {
            problems.add("model '" + model.id() + "': 'parallel' is set in the configuration file only (data-parallel training"
                    + " changes the topology, built at start): declare it there and restart the learners");
        }
    }

    /** A model whose id was used before must fit the weights published under it, as at a start. */
    private void checkAgainstPublished(ModelConfig model, List<String> problems) {
        WeightSnapshot newest;
        try (WeightsReader.Opened reader = WeightsReader.open(client)) {
            newest = reader.latest(config.topics().weights(), Topics.of(config).weights().codec()).get(model.id());
        }
        if (newest != null) {
            ModelChanges changes = ModelChanges.between(model, newest);
            if (changes.isRefused()) {
                problems.add(changes.refusal(config.topics().weights()));
            }
        }
    }

    /**
     * The learners set their topics' and producer's record limits at start from the file's models;
     * Kafka's default (1 MiB) they always take. A larger model is declared in the file, whose start
     * raises the limits.
     */
    private void checkFits(ModelConfig model, List<String> problems) {
        int needed;
        try {
            needed = ModelRecordSizes.recordLimit(config.withModels(Map.of(model.id(), model)));
        } catch (IllegalArgumentException tooLarge) {
            problems.add(tooLarge.getMessage());
            return;
        }
        if (needed > ModelRecordSizes.KAFKA_DEFAULT_LIMIT) {
            problems.add("model '" + model.id() + "' needs records of up to " + needed + " bytes; a model added or changed"
                    + " while the learners run must fit in " + ModelRecordSizes.KAFKA_DEFAULT_LIMIT + " (Kafka's default):"
                    + " declare it in the configuration file and restart the learners (a start raises the topics' and the"
                    + " producer's limits), or give it fewer parameters");
        }
    }

    private static void refuseIf(String id, List<String> problems) {
        if (!problems.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (String p : problems) {
                out.add(p.startsWith("model '") ? p : "model '" + id + "': " + p
                        + " (learned weights cannot take it: add the new network under a new model id)");
            }
            throw new ConfigException(out);
        }
    }
}
