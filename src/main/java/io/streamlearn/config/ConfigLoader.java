package io.streamlearn.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamlearn.model.Activation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.LossKind;
import io.streamlearn.model.MergeRule;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import io.streamlearn.model.Scaling;
import io.streamlearn.model.optim.LearningRateSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration: the YAML file (optional), then overrides given as dotted keys
 * ({@code topics.prefix=dev-}), in that order; validates everything and reports every problem in
 * one {@link ConfigException}. With no file at all the default model (2 inputs, logistic
 * regression) is declared, so the simplest use needs no configuration.
 */
public final class ConfigLoader {
    public static final String DEFAULT_MODEL_ID = "default";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    public static StreamlearnConfig defaults() {
        return load(null, Map.of());
    }

    public static StreamlearnConfig load(Path file, Map<String, String> overrides) {
        JsonNode root;
        if (file == null) {
            root = YAML.createObjectNode();
        } else {
            try {
                root = YAML.readTree(Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                throw new ConfigException(List.of("config file " + file + " does not exist"));
            } catch (IOException e) {
                throw new ConfigException(List.of("config file " + file + " is not valid YAML: " + firstLine(e.getMessage())));
            }
            if (root == null || root.isMissingNode() || root.isNull()) {
                root = YAML.createObjectNode();
            }
        }
        List<String> problems = new ArrayList<>();
        if (!root.isObject()) {
            throw new ConfigException(List.of("config file " + file + " must be a mapping of keys to values"));
        }
        applyOverrides((ObjectNode) root, overrides, problems);
        StreamlearnConfig config = read(new ConfigNode(root, "", problems));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** Parses a YAML string (tests, and the demo's built-in configuration). */
    public static StreamlearnConfig fromYaml(String yaml, Map<String, String> overrides) {
        try {
            Path tmp = Files.createTempFile("streamlearn", ".yaml");
            try {
                Files.writeString(tmp, yaml);
                return load(tmp, overrides);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void applyOverrides(ObjectNode root, Map<String, String> overrides, List<String> problems) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey();
            if (key.equals("kafka") || key.startsWith("kafka.")) {
                if (key.length() <= "kafka.".length()) {
                    problems.add("override " + key + ": name a Kafka client property, e.g. kafka.security.protocol");
                    continue;
                }
                // Kafka property names contain dots themselves: everything after "kafka." is one key.
                ObjectNode kafka = root.has("kafka") && root.get("kafka").isObject()
                        ? (ObjectNode) root.get("kafka") : root.putObject("kafka");
                kafka.put(key.substring("kafka.".length()), e.getValue());
                continue;
            }
            // models[1].id, as the problems below name it, is the same key as models.1.id
            String problem = set(root, key.replaceAll("\\[(\\d+)]", ".$1").split("\\.", -1), e.getValue());
            if (problem != null) {
                problems.add("override " + key + ": " + problem);
            }
        }
    }

    /**
     * Sets the value at a dotted path whose numeric parts index lists (models.0.inputSize), creating
     * mappings on the way, and a list where an index follows a key that is absent. An index may be one
     * past the end, to declare one more entry (another model), but no further: that would leave a gap.
     * Returns what is wrong with the path, or null.
     */
    static String set(ObjectNode root, String[] parts, String value) {
        JsonNode node = root;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            String here = String.join(".", java.util.Arrays.copyOf(parts, i + 1));
            String parent = String.join(".", java.util.Arrays.copyOf(parts, i));
            if (part.isEmpty()) {
                return "empty part in the key";
            }
            boolean last = i == parts.length - 1;
            JsonNode next;
            if (node instanceof ArrayNode list) {
                int index = index(part);
                if (index < 0) {
                    return "'" + parent + "' is a list: give an index, e.g. " + parent + ".0";
                }
                if (index > list.size()) {
                    return "'" + parent + "' has " + list.size() + (list.size() == 1 ? " entry" : " entries")
                            + "; the next index is " + list.size();
                }
                if (last) {
                    if (index == list.size()) {
                        list.add(value);
                    } else {
                        list.set(index, TextNode.valueOf(value));
                    }
                    return null;
                }
                next = index < list.size() ? list.get(index) : null;
                if (next == null || next.isNull()) {
                    next = index(parts[i + 1]) >= 0 ? list.arrayNode() : list.objectNode();
                    if (index == list.size()) {
                        list.add(next);
                    } else {
                        list.set(index, next);
                    }
                }
            } else {
                ObjectNode map = (ObjectNode) node;
                if (last) {
                    map.put(part, value);
                    return null;
                }
                next = map.get(part);
                if (next == null || next.isNull()) {
                    next = index(parts[i + 1]) >= 0 ? map.putArray(part) : map.putObject(part);
                }
            }
            if (!next.isContainerNode()) {
                return "'" + here + "' is a single value, not a mapping or a list";
            }
            node = next;
        }
        return null;
    }

    /** The list index a key part names, or -1. */
    private static int index(String part) {
        if (!part.matches("\\d{1,9}")) {
            return -1;
        }
        return Integer.parseInt(part);
    }

    private static StreamlearnConfig read(ConfigNode root) {
        String appId = root.string("applicationId", "streamlearn");
        if (!appId.matches("[A-Za-z0-9._-]+")) {
            root.problems().add("applicationId: '" + appId + "' may only contain letters, digits, '.', '_' and '-'");
        }
        String bootstrap = root.string("bootstrapServers", "localhost:9092");
        if (bootstrap.isBlank()) {
            root.problems().add("bootstrapServers: must not be empty");
        }

        ConfigNode topicsNode = root.child("topics");
        String prefix = topicsNode.string("prefix", "");
        TopicNames defaults = TopicNames.withPrefix(prefix);
        TopicNames topics = new TopicNames(
                prefix + topicsNode.string("examples", defaults.examples().substring(prefix.length())),
                prefix + topicsNode.string("events", defaults.events().substring(prefix.length())),
                prefix + topicsNode.string("scoredEvents", defaults.scoredEvents().substring(prefix.length())),
                prefix + topicsNode.string("weights", defaults.weights().substring(prefix.length())),
                prefix + topicsNode.string("deadLetters", defaults.deadLetters().substring(prefix.length())),
                prefix + topicsNode.string("requests", defaults.requests().substring(prefix.length())),
                prefix + topicsNode.string("weightsHistory", defaults.weightsHistory().substring(prefix.length())),
                prefix + topicsNode.string("drift", defaults.drift().substring(prefix.length())),
                prefix + topicsNode.string("catalogue", defaults.catalogue().substring(prefix.length())));
        for (String t : topics.all()) {
            if (!t.matches("[A-Za-z0-9._-]{1,249}")) {
                root.problems().add("topics: '" + t + "' is not a legal Kafka topic name");
            }
        }
        if (topics.all().stream().distinct().count() != topics.all().size()) {
            root.problems().add("topics: the " + topics.all().size() + " topics must have different names");
        }
        int partitions = topicsNode.intValue("partitions", 1, 1, 10_000);
        int eventsPartitions = topicsNode.intValue("eventsPartitions", partitions, 1, 10_000);
        short replication = (short) topicsNode.intValue("replicationFactor", 1, 1, Short.MAX_VALUE);
        topicsNode.rejectUnknown();

        ConfigNode formatsNode = root.child("formats");
        TopicFormats fd = TopicFormats.defaults();
        TopicFormats formats = new TopicFormats(
                formatsNode.parsed("examples", fd.examples(), Format::parse, "avro or json"),
                formatsNode.parsed("events", fd.events(), Format::parse, "avro or json"),
                formatsNode.parsed("scoredEvents", fd.scoredEvents(), Format::parse, "avro or json"),
                formatsNode.parsed("weights", fd.weights(), Format::parse, "avro or json"));
        formatsNode.rejectUnknown();

        ProcessingGuarantee guarantee = root.parsed("processingGuarantee", ProcessingGuarantee.EXACTLY_ONCE_V2,
                ProcessingGuarantee::parse, "exactly_once_v2 or at_least_once");
        long commitInterval = root.longValue("commitIntervalMs", -1, -1, 3_600_000);
        String stateDir = root.string("stateDir", null);
        int maxFeatures = root.intValue("maxFeatures", 100_000, 1, 50_000_000);
        String defaultModel = root.string("defaultModel", DEFAULT_MODEL_ID);
        int httpPort = root.intValue("httpPort", -1, -1, 65_535);

        Map<String, ModelConfig> models = new LinkedHashMap<>();
        if (root.has("models")) {
            for (ConfigNode m : root.list("models")) {
                ModelConfig mc = readModel(m);
                if (mc != null) {
                    if (models.putIfAbsent(mc.id(), mc) != null) {
                        root.problems().add(m.path("id") + ": model '" + mc.id() + "' is declared twice");
                    }
                }
            }
            if (models.isEmpty()) {
                root.problems().add("models: declare at least one model");
            }
        } else {
            root.raw("models");
            models.put(DEFAULT_MODEL_ID, defaultModel(DEFAULT_MODEL_ID));
        }
        if (!models.isEmpty() && !models.containsKey(defaultModel)) {
            root.problems().add("defaultModel: '" + defaultModel + "' is not one of the declared models " + models.keySet());
        }

        Map<String, String> kafka = new LinkedHashMap<>();
        JsonNode kafkaNode = root.raw("kafka");
        if (kafkaNode != null) {
            if (!kafkaNode.isObject()) {
                root.problems().add("kafka: must be a mapping of Kafka client properties");
            } else {
                kafkaNode.fields().forEachRemaining(e -> kafka.put(e.getKey(), e.getValue().asText()));
            }
        }
        FailoverConfig failover = readFailover(root.child("failover"), kafka);
        root.rejectUnknown();
        return new StreamlearnConfig(appId, bootstrap, topics, partitions, eventsPartitions, replication, formats, guarantee,
                commitInterval, stateDir, maxFeatures, defaultModel, models, kafka, httpPort, failover);
    }

    private static FailoverConfig readFailover(ConfigNode f, Map<String, String> kafka) {
        FailoverConfig d = FailoverConfig.defaults();
        String instanceId = f.string("instanceId", d.instanceId());
        if (instanceId != null && !instanceId.matches("[A-Za-z0-9._-]{1,200}")) {
            f.problems().add(f.path("instanceId") + ": '" + instanceId
                    + "' may only contain letters, digits, '.', '_' and '-' (at most 200)");
        }
        long session = f.longValue("sessionTimeoutMs", d.sessionTimeoutMs(), 1_000, 1_800_000);
        int standbys = f.intValue("standbyReplicas", d.standbyReplicas(), 0, 100);
        f.rejectUnknown();
        for (String key : kafka.keySet()) {
            String owner = FailoverConfig.ownerOf(key);
            if (owner != null) {
                f.problems().add("kafka." + key + ": set failover." + owner + " instead (streamlearn derives " + key + " from it)");
            }
        }
        return new FailoverConfig(instanceId, session, standbys);
    }

    /**
     * The model used when no file declares any: exactly what a model declared with only its id and
     * {@code inputSize: 2} gets (logistic regression with the defaults below), so the simplest use
     * and the simplest declaration behave alike.
     */
    public static ModelConfig defaultModel(String id) {
        ConfigNode m = new ConfigNode(YAML.createObjectNode().put("id", id).put("inputSize", 2), "models[0]",
                new ArrayList<>());
        ModelConfig c = readModel(m);
        if (c == null) {
            throw new IllegalStateException("the default model does not read: " + m.problems());
        }
        return c;
    }

    /** What a declared model does at a drift, unless it says otherwise. */
    public static final DriftPolicy.Action DEFAULT_DRIFT_ACTION = DriftPolicy.Action.REPORT;

    /**
     * How a declared model without explicit initial weights scales its features, unless it says
     * otherwise: standard scaling. Streams nobody cleaned have features of every range (the breast
     * cancer data: areas near 1000 beside smoothness near 0.1); one learning rate cannot fit them
     * all, and measured with {@code evaluate} standard scaling lifts such a stream from about 0.73 to
     * 0.94, while on features already of one range (blobs, the hyperplane) it changes little. Min-max
     * is not the default: one outlier squeezes every other value of its feature. Explicit initial
     * weights were chosen for raw features (the tutorial's OR), so they keep none.
     */
    public static final Scaling DEFAULT_SCALING = Scaling.STANDARD;

    /**
     * The optimizer of a model that names none: AdaGrad at 0.5. Its per-weight rate shrinks as
     * squared gradients accumulate (a 1/√t schedule of its own, per weight), so it starts with large
     * steps — a few hundred examples suffice on small data sets — and settles on a stationary
     * stream; with scaled features one rate suits every weight. Measured with {@code evaluate} (see
     * LEARNING.md) it was the best or near it on every stream tried, where Adam at Keras' 0.001 moved
     * too slowly for one pass. A model that names its optimizer gets that optimizer's own (Keras)
     * defaults.
     */
    public static final OptimizerKind DEFAULT_OPTIMIZER = OptimizerKind.ADAGRAD;
    public static final double DEFAULT_LEARNING_RATE = 0.5;

    /**
     * The loss a model without one gets: the one that trains its output layer (so declaring a
     * softmax output of 3 units is enough for three classes): cross-entropy for sigmoid and
     * softmax, squared error for linear and ReLU (a regression), hinge for tanh, the perceptron
     * rule for step and sign.
     */
    static LossKind defaultLoss(Activation output) {
        return switch (output) {
            case SIGMOID -> LossKind.BINARY_CROSS_ENTROPY;
            case SOFTMAX -> LossKind.CATEGORICAL_CROSS_ENTROPY;
            case LINEAR, RELU -> LossKind.SQUARED_ERROR;
            case TANH -> LossKind.HINGE;
            case STEP, SIGN -> LossKind.PERCEPTRON;
        };
    }

    /** A year: the longest window, and the longest grace after one. */
    private static final long MAX_WINDOW_MS = 365L * 24 * 3600 * 1000;

    static ModelConfig readModel(ConfigNode m) {
        int before = m.problems().size();
        String id = m.string("id", null);
        if (id == null || id.isBlank()) {
            m.problems().add(m.path("id") + ": every model needs an id");
            id = "?";
        }
        int inputSize = m.intValue("inputSize", -1, 1, 50_000_000);
        if (!m.has("inputSize")) {
            m.problems().add(m.path("inputSize") + ": required (the length of the feature vector)");
        }
        List<LayerSpec> layers = new ArrayList<>();
        if (m.has("layers")) {
            for (ConfigNode l : m.list("layers")) {
                int units = l.intValue("units", 1, 1, 1_000_000);
                Activation act = l.parsed("activation", Activation.SIGMOID, Activation::parse,
                        "step, sign, linear, relu, sigmoid, tanh or softmax");
                l.rejectUnknown();
                layers.add(new LayerSpec(units, act));
            }
        } else {
            m.raw("layers");
            layers.add(new LayerSpec(1, Activation.SIGMOID));
        }
        Activation output = layers.isEmpty() ? Activation.SIGMOID : layers.get(layers.size() - 1).activation();
        LossKind loss = m.parsed("loss", defaultLoss(output), LossKind::parse,
                "binary_cross_entropy, categorical_cross_entropy, squared_error, hinge or perceptron");
        OptimizerSpec optimizer = readOptimizer(m.child("optimizer"));
        double l2 = m.doubleValue("l2", 0.0, 0.0, 1e6);
        long seed = m.longValue("seed", 42L, Long.MIN_VALUE, Long.MAX_VALUE);

        ConfigNode u = m.child("update");
        UpdateMode.Kind kind = u.parsed("mode", UpdateMode.Kind.STOCHASTIC, UpdateMode.Kind::parse,
                "stochastic, count or window");
        UpdateMode update = switch (kind) {
            case STOCHASTIC -> UpdateMode.stochastic();
            case COUNT -> UpdateMode.count(u.intValue("batchSize", 32, 1, 10_000_000));
            case WINDOW -> UpdateMode.window(u.longValue("windowMs", 1000, 1, MAX_WINDOW_MS));
            case FULL_BATCH -> {
                m.problems().add(u.path("mode") + ": full_batch exists only in 'streamlearn retrain' (a stream never ends)");
                yield UpdateMode.stochastic();
            }
        };
        if (kind != UpdateMode.Kind.COUNT) {
            u.raw("batchSize");
        }
        long graceMs = EventTimePolicy.DEFAULT_GRACE_MS;
        if (kind == UpdateMode.Kind.WINDOW) {
            graceMs = u.longValue("graceMs", EventTimePolicy.DEFAULT_GRACE_MS, 0, MAX_WINDOW_MS);
        } else {
            u.raw("windowMs");
            u.raw("graceMs");
        }
        u.rejectUnknown();
        long maxFutureMs = m.longValue("maxFutureMs", EventTimePolicy.DEFAULT_MAX_FUTURE_MS, 0, Long.MAX_VALUE);

        ConfigNode s = m.child("snapshot");
        SnapshotPolicy snapshot = new SnapshotPolicy(
                s.longValue("everyUpdates", SnapshotPolicy.defaults().everyUpdates(), 1, Long.MAX_VALUE),
                s.longValue("everyMs", SnapshotPolicy.defaults().everyMs(), 1, Long.MAX_VALUE));
        s.rejectUnknown();

        double[][] initialWeights = readMatrixList(m, "initialWeights");
        double[][] initialBiases = readMatrixList(m, "initialBiases");
        // Explicit initial weights were chosen for the raw features (the tutorial's OR): scaling
        // them would change what they compute, so such a model scales only when asked to.
        Scaling scaling = m.parsed("scaling", initialWeights != null ? Scaling.NONE : DEFAULT_SCALING, Scaling::parse,
                "standard, minmax or none");
        ConfigNode d = m.child("drift");
        DriftPolicy drift = new DriftPolicy(d.parsed("action", DEFAULT_DRIFT_ACTION, DriftPolicy.Action::parse,
                "report, reset or background"));
        if (drift.action() == DriftPolicy.Action.BACKGROUND && kind == UpdateMode.Kind.WINDOW) {
            m.problems().add(d.path("action") + ": background needs update mode stochastic or count: the background"
                    + " learner learns each example as it arrives, and a window's batches are the model's own"
                    + " (use report or reset with window updates)");
        }
        d.rejectUnknown();
        ParallelPolicy parallel = readParallel(m, kind);
        m.rejectUnknown();
        if (m.problems().size() > before) {
            return null;
        }
        List<String> specProblems = ModelSpec.problems(inputSize, layers, loss, optimizer, l2);
        for (String p : specProblems) {
            m.problems().add("models." + id + ": " + p);
        }
        if (!specProblems.isEmpty()) {
            return null;
        }
        ModelSpec spec = new ModelSpec(inputSize, layers, loss, optimizer, l2, seed, scaling);
        if (initialWeights != null || initialBiases != null) {
            checkInitialWeights(m, id, spec, initialWeights, initialBiases);
        }
        return new ModelConfig(id, spec, update, snapshot, initialWeights, initialBiases, drift,
                new EventTimePolicy(graceMs, maxFutureMs), parallel);
    }

    /**
     * {@code parallel: {syncEvery: K, merge: average|sum, maxLag: L}}, or null when the model has none. A window
     * closes on the model's event time, which no replica has (each sees only its partition's
     * examples), so window mode is refused rather than closing windows at different times per replica.
     * Feature scaling is allowed: replicas send their scaler statistics with their deltas and adopt the
     * merged ones, so their weights are for (nearly) one scaling (topology/Replica).
     */
    private static ParallelPolicy readParallel(ConfigNode m, UpdateMode.Kind kind) {
        if (!m.has("parallel")) {
            return null;
        }
        ConfigNode p = m.child("parallel");
        int syncEvery = p.intValue("syncEvery", ParallelPolicy.DEFAULT_SYNC_EVERY, 1, 10_000_000);
        MergeRule merge = p.parsed("merge", MergeRule.AVERAGE, ParallelPolicy::parseMerge, "average or sum");
        int maxLag = p.intValue("maxLag", ParallelPolicy.DEFAULT_MAX_LAG, 1, 1_000_000);
        p.rejectUnknown();
        if (kind == UpdateMode.Kind.WINDOW) {
            m.problems().add(m.path("parallel") + ": data-parallel training does not take"
                    + " update mode window (a window closes on the model's event time, which no replica sees whole);"
                    + " use stochastic or count, or drop 'parallel'");
        }
        return new ParallelPolicy(syncEvery, merge, maxLag);
    }

    private static void checkInitialWeights(ConfigNode m, String id, ModelSpec spec, double[][] w, double[][] b) {
        if (w == null || b == null) {
            m.problems().add("models." + id + ": give both initialWeights and initialBiases, or neither");
            return;
        }
        if (w.length != spec.layers().size() || b.length != spec.layers().size()) {
            m.problems().add("models." + id + ": initialWeights and initialBiases need one entry per layer ("
                    + spec.layers().size() + ")");
            return;
        }
        int in = spec.inputSize();
        for (int l = 0; l < w.length; l++) {
            int units = spec.layers().get(l).units();
            if (w[l].length != units * in) {
                m.problems().add("models." + id + ": initialWeights[" + l + "] needs " + units + " x " + in
                        + " = " + (units * in) + " values (row-major), got " + w[l].length);
            }
            if (b[l].length != units) {
                m.problems().add("models." + id + ": initialBiases[" + l + "] needs " + units + " values, got " + b[l].length);
            }
            in = units;
        }
    }

    private static double[][] readMatrixList(ConfigNode m, String key) {
        JsonNode v = m.raw(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            m.problems().add(m.path(key) + ": must be a list with one list of numbers per layer");
            return null;
        }
        double[][] out = new double[v.size()][];
        for (int i = 0; i < v.size(); i++) {
            JsonNode row = v.get(i);
            if (!row.isArray()) {
                m.problems().add(m.path(key) + "[" + i + "]: must be a list of numbers");
                return null;
            }
            out[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                if (!row.get(j).isNumber()) {
                    m.problems().add(m.path(key) + "[" + i + "][" + j + "]: must be a number");
                    return null;
                }
                out[i][j] = row.get(j).asDouble();
            }
        }
        return out;
    }

    private static OptimizerSpec readOptimizer(ConfigNode o) {
        boolean named = o.has("kind");
        OptimizerKind kind = o.parsed("kind", DEFAULT_OPTIMIZER, OptimizerKind::parse,
                "sgd, momentum, adagrad, rmsprop, adam or normalized_adagrad");
        OptimizerSpec d = named ? OptimizerSpec.defaults(kind)
                : OptimizerSpec.defaults(kind).withLearningRate(DEFAULT_LEARNING_RATE);
        LearningRateSchedule.Kind scheduleKind = o.parsed("schedule", LearningRateSchedule.Kind.CONSTANT,
                LearningRateSchedule.Kind::parse, "constant, invscaling, step or exponential");
        LearningRateSchedule schedule = new LearningRateSchedule(scheduleKind,
                o.doubleValue("powerT", LearningRateSchedule.DEFAULT_POWER_T, 0, 1),
                o.longValue("decaySteps", LearningRateSchedule.DEFAULT_DECAY_STEPS, 1, Long.MAX_VALUE),
                o.doubleValue("decayRate", LearningRateSchedule.DEFAULT_DECAY_RATE, Double.MIN_VALUE, 1));
        OptimizerSpec spec = new OptimizerSpec(kind,
                o.doubleValue("learningRate", d.learningRate(), 1e-12, 1e6),
                o.doubleValue("beta1", d.beta1(), 0, 0.999999999),
                o.doubleValue("beta2", d.beta2(), 0, 0.999999999999),
                o.doubleValue("epsilon", d.epsilon(), 0, 1),
                o.doubleValue("momentum", d.momentum(), 0, 0.999999999),
                o.doubleValue("rho", d.rho(), 0, 0.999999999),
                o.doubleValue("initialAccumulator", d.initialAccumulator(), 0, 1e6),
                schedule);
        o.rejectUnknown();
        return spec;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
