package io.streamlearn.catalogue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.codec.CatalogueRecord;
import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.ModelEntry;
import io.streamlearn.config.StreamlearnConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start writes to the catalogue from the configuration file, and the catalogue it starts
 * with. A model of the file is written when the catalogue does not have it, or when the file's
 * entry differs from the one it was last written from (its seed): the file was edited, and the
 * edit applies. An entry equal to its seed is not written again, so what {@code streamlearn model
 * set} and {@code retire} changed since stands across restarts; models added by command stay.
 * A file edit does not bring a retired model back ({@code model add} does).
 *
 * <p>A model added or changed by command fits in records of Kafka's default size ({@link CatalogueEditor}
 * checks), which every learner's topics and producer take: the record limits a start sets from the
 * file's models hold for the catalogue's too.
 *
 * @param writes  the records to write before the learner starts
 * @param catalog the models the learner starts with: the topic's, with the writes applied
 */
public record CatalogueSeeding(List<CatalogueRecord> writes, ModelCatalog catalog) {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogueSeeding.class);

    /** @param current the catalogue topic as read at start ({@link CatalogueTopic#read}) */
    public static CatalogueSeeding of(StreamlearnConfig config, Map<String, CatalogueRecord> current, long now) {
        return of(config, current, ModelCatalog.of(config), now);
    }

    /** @param catalog filled here: the catalogue the topology was built with, before it starts */
    public static CatalogueSeeding of(StreamlearnConfig config, Map<String, CatalogueRecord> current, ModelCatalog catalog,
                                      long now) {
        List<CatalogueRecord> writes = new ArrayList<>();
        for (ModelConfig declared : config.models().values()) {
            ObjectNode entry = ModelEntry.toJson(declared);
            CatalogueRecord had = current.get(declared.id());
            if (had == null || !entry.equals(had.seed())) {
                boolean retired = had != null && had.retired();
                writes.add(new CatalogueRecord(entry, retired, entry, "file", now));
            }
        }
        for (CatalogueRecord r : current.values()) {
            apply(catalog, r);
        }
        for (CatalogueRecord w : writes) {
            apply(catalog, w);
        }
        return new CatalogueSeeding(List.copyOf(writes), catalog);
    }

    /** One INFO line for the start's log: what the catalogue holds and where each model came from. */
    public void log(StreamlearnConfig config, Map<String, CatalogueRecord> current) {
        List<String> fromFile = writes.stream().map(CatalogueRecord::id).toList();
        List<String> keptChanges = current.values().stream().filter(r -> r.seed() != null && !r.model().equals(r.seed())
                && !fromFile.contains(r.id())).map(CatalogueRecord::id).toList();
        List<String> byCommand = current.values().stream().filter(r -> r.seed() == null && !r.retired())
                .map(CatalogueRecord::id).toList();
        LOG.info("Model catalogue '{}': {} active {}, retired {}; written from the file now {}; changed by commands and kept {};"
                        + " added by commands {}", config.topics().catalogue(), catalog.models().size(), catalog.models().keySet(),
                catalog.retiredIds(), fromFile, keptChanges, byCommand);
        for (String id : catalog.retiredIds()) {
            if (config.models().containsKey(id)) {
                LOG.warn("Model '{}' is declared in the configuration file but retired in the catalogue: it is neither trained"
                        + " nor scored ('streamlearn model add {}' brings it back)", id, id);
            }
        }
    }

    /** The configuration with the catalogue's active models (what record sizes and start checks must cover). */
    public StreamlearnConfig effective(StreamlearnConfig config) {
        return config.withModels(catalog.models());
    }

    private static void apply(ModelCatalog catalog, CatalogueRecord r) {
        ModelConfig model;
        try {
            model = r.config("catalogue record '" + r.id() + "'");
        } catch (ConfigException e) {
            LOG.warn("Catalogue record '{}' does not read as a model and is left out: {}", r.id(), String.join("; ", e.problems()));
            return;
        }
        if (r.retired()) {
            catalog.retire(model);
        } else {
            catalog.put(model);
        }
    }
}
