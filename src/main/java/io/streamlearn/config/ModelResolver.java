package io.streamlearn.config;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Picks the model a record belongs to: the value's {@code model} field when present (it must be
 * a model of the catalogue), else the record key when it names one, else the default model. Keys
 * that are not model ids (user ids, event ids) are common, so they fall back to the default.
 * The one rule for the topology, {@code retrain}, {@code plot} and {@code produce}'s check.
 *
 * <p>A retired model is still resolved (so its records are refused as retired, not as unknown or
 * sent to the default model): callers check {@link ModelCatalog#model} for what is active.
 */
public final class ModelResolver {
    private final ModelCatalog catalog;
    private final Map<String, String> byKey = new HashMap<>();
    /** The UTF-8 lengths of the known ids: most keys are not model ids, and most are told apart by length alone. */
    private final boolean[] idLength = new boolean[MAX_KEY_BYTES + 1];
    private static final int MAX_KEY_BYTES = 256;
    private long generation = -1;

    public ModelResolver(StreamlearnConfig config) {
        this(ModelCatalog.of(config));
    }

    public ModelResolver(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** The record's model; null when its {@code model} field names no known model ({@link #notDeclared} says so). */
    public String resolve(String fieldModel, byte[] key) {
        if (generation != catalog.generation()) {
            relearnIds();
        }
        if (fieldModel != null) {
            return catalog.knows(fieldModel) ? fieldModel : null;
        }
        if (key != null && key.length > 0 && key.length <= MAX_KEY_BYTES && idLength[key.length]) {
            String k = new String(key, StandardCharsets.UTF_8);
            if (catalog.knows(k)) {
                return byKey.computeIfAbsent(k, x -> x);
            }
        }
        return catalog.defaultModel();
    }

    private void relearnIds() {
        generation = catalog.generation();
        java.util.Arrays.fill(idLength, false);
        byKey.clear();
        for (String id : catalog.models().keySet()) {
            mark(id);
        }
        for (String id : catalog.retiredIds()) {
            mark(id);
        }
    }

    private void mark(String id) {
        int n = id.getBytes(StandardCharsets.UTF_8).length;
        if (n <= MAX_KEY_BYTES) {
            idLength[n] = true;
        }
    }

    /** Why a record whose {@code model} field is {@code fieldModel} has no model, in the words every caller uses. */
    public String notDeclared(String fieldModel) {
        return "model '" + truncate(fieldModel) + "' is not declared (declared: " + catalog.models().keySet() + ")";
    }

    /** Why a record of a retired model is refused. */
    public static String retired(String model) {
        return "model '" + truncate(model) + "' was retired from the model catalogue: it is neither trained nor scored"
                + " (its newest weights stay on the weights topic; 'streamlearn model add " + truncate(model)
                + "' brings it back)";
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
