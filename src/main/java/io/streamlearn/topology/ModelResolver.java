package io.streamlearn.topology;

import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.config.StreamlearnConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Picks the model a record belongs to: the value's {@code model} field when present (it must be
 * declared), else the record key when it names a declared model, else the default model. Keys
 * that are not model ids (user ids, event ids) are common, so they fall back to the default.
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

    public String resolve(String fieldModel, byte[] key) {
        if (fieldModel != null) {
            if (config.model(fieldModel) == null) {
                throw new InvalidRecordException(DeadLetterReason.UNKNOWN_MODEL,
                        "model '" + truncate(fieldModel) + "' is not declared (declared: " + config.models().keySet() + ")");
            }
            return fieldModel;
        }
        if (key != null && key.length > 0 && key.length <= MAX_KEY_BYTES && idLength[key.length]) {
            String k = new String(key, StandardCharsets.UTF_8);
            if (config.model(k) != null) {
                return byKey.computeIfAbsent(k, x -> x);
            }
        }
        return config.defaultModel();
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
