package io.streamlearn.config;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Picks the model a record belongs to: the value's {@code model} field when present (it must be
 * declared), else the record key when it names a declared model, else the default model. Keys
 * that are not model ids (user ids, event ids) are common, so they fall back to the default.
 * The one rule for the topology, {@code retrain}, {@code plot} and {@code produce}'s check.
 */
public final class ModelResolver {
    private final StreamlearnConfig config;
    private final Map<String, String> byKey = new HashMap<>();
    /** The UTF-8 lengths of the declared ids: most keys are not model ids, and most are told apart by length alone. */
    private final boolean[] idLength = new boolean[MAX_KEY_BYTES + 1];
    private static final int MAX_KEY_BYTES = 256;

    public ModelResolver(StreamlearnConfig config) {
        this.config = config;
        for (String id : config.models().keySet()) {
            int n = id.getBytes(StandardCharsets.UTF_8).length;
            if (n <= MAX_KEY_BYTES) {
                idLength[n] = true;
            }
        }
    }

    /** The record's model; null when its {@code model} field names no declared model ({@link #notDeclared} says so). */
    public String resolve(String fieldModel, byte[] key) {
        if (fieldModel != null) {
            return config.model(fieldModel) != null ? fieldModel : null;
        }
        if (key != null && key.length > 0 && key.length <= MAX_KEY_BYTES && idLength[key.length]) {
            String k = new String(key, StandardCharsets.UTF_8);
            if (config.model(k) != null) {
                return byKey.computeIfAbsent(k, x -> x);
            }
        }
        return config.defaultModel();
    }

    /** Why a record whose {@code model} field is {@code fieldModel} has no model, in the words every caller uses. */
    public String notDeclared(String fieldModel) {
        return "model '" + truncate(fieldModel) + "' is not declared (declared: " + config.models().keySet() + ")";
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
