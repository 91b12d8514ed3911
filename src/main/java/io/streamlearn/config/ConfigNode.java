package io.streamlearn.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A typed reader over one object of the configuration tree. Every read records a problem with
 * the key's full path instead of throwing, so that one run reports every mistake at once; keys
 * that nobody read are reported as unknown (a typo must not be silently ignored).
 */
final class ConfigNode {
    private final JsonNode node;
    private final String path;
    private final List<String> problems;
    private final Set<String> read = new HashSet<>();

    ConfigNode(JsonNode node, String path, List<String> problems) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.problems = problems;
        if (!this.node.isMissingNode() && !this.node.isNull() && !this.node.isObject()) {
            problems.add(where() + "must be a mapping of keys to values");
        }
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String where() {
        return path.isEmpty() ? "" : path + ": ";
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    JsonNode raw(String key) {
        read.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    ConfigNode child(String key) {
        return new ConfigNode(raw(key), path(key), problems);
    }

    String string(String key, String def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!v.isValueNode()) {
            problems.add(path(key) + ": must be a single value");
            return def;
        }
        return v.asText();
    }

    long longValue(String key, long def, long min, long max) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!(v.isIntegralNumber() || (v.isTextual() && v.asText().trim().matches("-?\\d+")))) {
            problems.add(path(key) + ": must be a whole number, got '" + v.asText() + "'");
            return def;
        }
        long x = v.isTextual() ? Long.parseLong(v.asText().trim()) : v.asLong();
        if (x < min || x > max) {
            problems.add(path(key) + ": must be between " + min + " and " + max + ", got " + x);
            return def;
        }
        return x;
    }

    int intValue(String key, int def, int min, int max) {
        return (int) longValue(key, def, min, max);
    }

    double doubleValue(String key, double def, double min, double max) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        double x;
        if (v.isNumber()) {
            x = v.asDouble();
        } else if (v.isTextual()) {
            try {
                x = Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                problems.add(path(key) + ": must be a number, got '" + v.asText() + "'");
                return def;
            }
        } else {
            problems.add(path(key) + ": must be a number");
            return def;
        }
        if (!Double.isFinite(x) || x < min || x > max) {
            problems.add(path(key) + ": must be between " + min + " and " + max + ", got " + x);
            return def;
        }
        return x;
    }

    <T> T parsed(String key, T def, Function<String, T> parser, String expected) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        try {
            return parser.apply(s);
        } catch (RuntimeException e) {
            problems.add(path(key) + ": '" + s + "' is not valid (expected " + expected + ")");
            return def;
        }
    }

    List<ConfigNode> list(String key) {
        JsonNode v = raw(key);
        List<ConfigNode> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            problems.add(path(key) + ": must be a list");
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(new ConfigNode(v.get(i), path(key) + "[" + i + "]", problems));
        }
        return out;
    }

    /** Reports keys present in the file that no reader asked for. */
    void rejectUnknown() {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!read.contains(k)) {
                problems.add(path(k) + ": unknown key");
            }
        }
    }

    JsonNode node() {
        return node;
    }

    List<String> problems() {
        return problems;
    }
}
