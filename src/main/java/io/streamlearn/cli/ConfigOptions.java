package io.streamlearn.cli;

import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every command that talks to Kafka shares. Precedence, lowest first: the config file,
 * the STREAMLEARN_BOOTSTRAP_SERVERS environment variable, {@code --set}, then the dedicated flags.
 */
public final class ConfigOptions {
    static final String ENV_BOOTSTRAP = "STREAMLEARN_BOOTSTRAP_SERVERS";
    static final String ENV_CONFIG = "STREAMLEARN_CONFIG";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration: models, topics, formats, Kafka client properties (default: $" + ENV_CONFIG + "; without either, one default model: 2 inputs, logistic regression).")
    Path configFile;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: the config file's, else $" + ENV_BOOTSTRAP + ", else localhost:9092).")
    String bootstrapServers;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Prefix of the five topic names.")
    String topicPrefix;

    @Option(names = "--processing-guarantee", paramLabel = "GUARANTEE",
            description = "exactly_once_v2 (default) or at_least_once.")
    String guarantee;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = {"Override any configuration key, e.g. --set topics.partitions=4 --set kafka.security.protocol=SASL_SSL;",
                    "a number picks a list entry: --set models.0.inputSize=3 (one past the last adds an entry)."})
    Map<String, String> overrides = new LinkedHashMap<>();

    public StreamlearnConfig load() {
        return load(Map.of());
    }

    /** With a command's own settings ({@code key=value} as for {@code --set}), which win over everything else. */
    public StreamlearnConfig load(Map<String, String> commandSettings) {
        Map<String, String> o = new LinkedHashMap<>();
        String env = System.getenv(ENV_BOOTSTRAP);
        if (env != null && !env.isBlank()) {
            o.put("bootstrapServers", env);
        }
        o.putAll(overrides);
        if (bootstrapServers != null) {
            o.put("bootstrapServers", bootstrapServers);
        }
        if (topicPrefix != null) {
            o.put("topics.prefix", topicPrefix);
        }
        if (guarantee != null) {
            o.put("processingGuarantee", guarantee);
        }
        o.putAll(commandSettings);
        Path file = configFile;
        String envFile = System.getenv(ENV_CONFIG);
        if (file == null && envFile != null && !envFile.isBlank()) {
            file = Path.of(envFile);
        }
        try {
            return ConfigLoader.load(file, o);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage());
        }
    }
}
