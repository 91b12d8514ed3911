package io.streamlearn.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.strimzi.api.kafka.model.common.Constants;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes manifests into typed models and refuses what the API server would refuse
 * (an unknown field, a value of the wrong type) instead of dropping or coercing it.
 *
 * <p>Built-in kinds go through the official Kubernetes Java client's models: their {@code fromJson}
 * rejects fields the OpenAPI schema does not define, and a round trip back to JSON must give the
 * document again, so a quoted number where the schema wants an integer (which Gson would coerce)
 * fails too. Strimzi's KafkaTopic goes through Strimzi's own model, which keeps unknown fields in
 * "additional properties" maps: those must all be empty, and scalars are not coerced.
 */
final class Manifests {
    /** Where the Kubernetes manifests live; every YAML file there is a manifest or the kustomization. */
    static final Path DIR = Path.of("deploy/kubernetes");

    /** A parsed document: its kind and name, the typed model, and the YAML it came from. */
    record Manifest(Path file, String kind, String name, Object model, JsonNode yaml) {
        <T> T as(Class<T> type) {
            return type.cast(model);
        }
    }

    /** kustomization.yaml's fields; anything else in it fails to parse. */
    record Kustomization(String apiVersion, String kind, List<String> resources) {
    }

    private interface Parser {
        Object parse(String json) throws IOException;
    }

    /** apiVersion/kind of the built-in kinds deploy/ uses, and the model each is read into. */
    private static final Map<String, Parser> CORE = Map.of(
            "apps/v1/StatefulSet", V1StatefulSet::fromJson,
            "v1/Service", V1Service::fromJson,
            "v1/ConfigMap", V1ConfigMap::fromJson,
            "v1/Secret", V1Secret::fromJson,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget::fromJson);

    private static final String KAFKA_TOPIC = KafkaTopic.RESOURCE_GROUP + "/" + Constants.V1 + "/"
            + KafkaTopic.RESOURCE_KIND;

    static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();
    /** Strimzi's models: no unknown properties (where a class does not keep them), no coercion of scalars. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private Manifests() {
    }

    /** Every YAML file of deploy/kubernetes but kustomization.yaml, in name order. */
    static List<Path> manifestFiles() {
        try (var files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of every manifest file, parsed. */
    static List<Manifest> all() {
        List<Manifest> out = new ArrayList<>();
        for (Path f : manifestFiles()) {
            out.addAll(read(f));
        }
        return out;
    }

    static List<Manifest> read(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses every document of a YAML text; fails, naming the file and document, on the first that does not fit its kind. */
    static List<Manifest> parse(Path file, String yaml) throws IOException {
        List<Manifest> out = new ArrayList<>();
        int index = 0;
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                index++;
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                String where = file + " (document " + index + ")";
                out.add(parse(where, file, doc));
            }
        }
        return out;
    }

    private static Manifest parse(String where, Path file, JsonNode doc) {
        if (!doc.isObject() || !doc.path("apiVersion").isTextual() || !doc.path("kind").isTextual()) {
            throw new IllegalArgumentException(where + ": not a Kubernetes object (apiVersion and kind are required)");
        }
        String type = doc.get("apiVersion").asText() + "/" + doc.get("kind").asText();
        String name = doc.path("metadata").path("name").asText(null);
        if (name == null) {
            throw new IllegalArgumentException(where + ": metadata.name is required");
        }
        Object model;
        try {
            if (CORE.containsKey(type)) {
                model = CORE.get(type).parse(doc.toString());
                JsonNode back = JSON_MAPPER.readTree(JSON.getGson().toJson(model));
                String difference = difference(doc, back, "");
                if (difference != null) {
                    throw new IllegalArgumentException("it does not read back as written (a value of the wrong type?): "
                            + difference);
                }
            } else if (type.equals(KAFKA_TOPIC)) {
                KafkaTopic topic = STRICT.treeToValue(doc, KafkaTopic.class);
                List<String> unknown = new ArrayList<>();
                unknownProperties(topic, "", unknown);
                if (!unknown.isEmpty()) {
                    throw new IllegalArgumentException("unknown fields " + unknown);
                }
                model = topic;
            } else {
                throw new IllegalArgumentException("no typed model for " + type + " (known: " + CORE.keySet() + ", "
                        + KAFKA_TOPIC + ")");
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(where + ", " + type + " '" + name + "': " + e.getMessage(), e);
        }
        return new Manifest(file, doc.get("kind").asText(), name, model, doc);
    }

    /**
     * Where {@code read} (the model written back) differs from {@code written}, or null: every
     * written value must come back equal, numbers by value; the model may add only empty lists and
     * maps (its defaults).
     */
    static String difference(JsonNode written, JsonNode read, String path) {
        if (written.isNumber() && read.isNumber()) {
            return written.decimalValue().compareTo(read.decimalValue()) == 0 ? null
                    : path + ": " + written + " came back as " + read;
        }
        if (written.isObject() && read.isObject()) {
            for (var it = written.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode back = read.get(e.getKey());
                if (back == null) {
                    return path + "." + e.getKey() + ": " + e.getValue() + " was dropped";
                }
                String d = difference(e.getValue(), back, path + "." + e.getKey());
                if (d != null) {
                    return d;
                }
            }
            for (var it = read.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                JsonNode added = read.get(k);
                if (!written.has(k) && !(added.isNull() || (added.isContainerNode() && added.isEmpty()))) {
                    return path + "." + k + ": " + added + " appeared";
                }
            }
            return null;
        }
        if (written.isArray() && read.isArray() && written.size() == read.size()) {
            for (int i = 0; i < written.size(); i++) {
                String d = difference(written.get(i), read.get(i), path + "[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return written.equals(read) ? null : path + ": " + written + " came back as " + read;
    }

    static Kustomization kustomization() throws IOException {
        return STRICT.treeToValue(YAML.readTree(DIR.resolve("kustomization.yaml").toFile()), Kustomization.class);
    }

    /**
     * Collects the paths of fields a Strimzi or fabric8 model kept as "additional properties"
     * (fields its schema does not define), walking the model through its getters.
     */
    static void unknownProperties(Object model, String path, List<String> out) {
        if (model == null) {
            return;
        }
        if (model instanceof Collection<?> c) {
            int i = 0;
            for (Object o : c) {
                unknownProperties(o, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (model instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownProperties(v, path + "." + k, out));
            return;
        }
        String pkg = model.getClass().getPackageName();
        if (!pkg.startsWith("io.strimzi.") && !pkg.startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : model.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(model);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(getter + ": " + e.getMessage(), e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> out.add((path.isEmpty() ? "" : path + ".") + k));
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            unknownProperties(value, path.isEmpty() ? field : path + "." + field, out);
        }
    }
}
