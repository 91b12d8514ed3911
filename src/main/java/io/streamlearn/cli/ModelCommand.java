package io.streamlearn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamlearn.app.KafkaProperties;
import io.streamlearn.catalogue.CatalogueEditor;
import io.streamlearn.codec.CatalogueRecord;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Adds, changes, retires and lists the models of the catalogue, while the learners run. */
@Command(name = "model", versionProvider = VersionProvider.class,
        description = {"Add, change, retire and list models while the learners run (the model catalogue).",
                "Every instance follows the catalogue topic ('models'): a change applies everywhere within moments,",
                "without a restart. A model is checked as the configuration file's models are; a change of shape or loss",
                "is refused. The configuration file seeds the catalogue at each start (README, \"The model catalogue\")."},
        subcommands = {ModelCommand.Add.class, ModelCommand.Set.class, ModelCommand.Retire.class, ModelCommand.ListModels.class})
final class ModelCommand implements Callable<Integer> {
    @Mixin
    HelpOptions help;

    @Override
    public Integer call() {
        throw new UserError("name what to do: model add|set|retire|list (streamlearn model --help)");
    }

    private static CatalogueEditor editor(StreamlearnConfig config) {
        KafkaAccess.connect(config);
        return new CatalogueEditor(config, KafkaProperties.common(config), "command");
    }

    private static Map<String, String> settings(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs == null ? List.<String>of() : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new UserError("'" + p + "' is not KEY=VALUE (for example optimizer.learningRate=0.05)");
            }
            out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return out;
    }

    private static String describe(CatalogueRecord r) {
        ModelConfig m = r.config("model '" + r.id() + "'");
        return String.format(Locale.ROOT, "inputSize %d, %d layer(s), loss %s, optimizer %s at %s, update %s",
                m.spec().inputSize(), m.spec().layers().size(), m.spec().loss().name().toLowerCase(Locale.ROOT),
                m.spec().optimizer().kind().name().toLowerCase(Locale.ROOT), m.spec().optimizer().learningRate(), m.update());
    }

    @Command(name = "add", versionProvider = VersionProvider.class,
            description = {"Add a model (or bring back a retired one): every instance trains and scores it from now on.",
                    "Give its settings as in the configuration file: --json, --file, and/or KEY=VALUE pairs (inputSize=2)."})
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "Model id.")
        String model;

        @Option(names = "--json", paramLabel = "JSON", description = "The model as JSON (or YAML), e.g. '{\"inputSize\": 2}'.")
        String json;

        @Option(names = "--file", paramLabel = "FILE", description = "A YAML or JSON file holding one model.")
        Path file;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE",
                description = "Settings, dotted as in the file: inputSize=2 optimizer.kind=adam")
        List<String> set;

        @Mixin
        ConfigOptions options;

        @Mixin
        HelpOptions help;

        @Override
        public Integer call() {
            if (json != null && file != null) {
                throw new UserError("give --json or --file, not both");
            }
            JsonNode given = null;
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            try {
                if (json != null) {
                    given = yaml.readTree(json);
                } else if (file != null) {
                    given = yaml.readTree(Files.readAllBytes(file));
                }
            } catch (IOException e) {
                throw new UserError((json != null ? "--json" : "--file " + file) + " is not a model in JSON or YAML: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            if (given != null && !given.isObject()) {
                throw new UserError("a model is a mapping of keys to values, as in the configuration file");
            }
            Map<String, String> changes = settings(set);
            if (given == null && !changes.isEmpty()) {
                given = yaml.createObjectNode();
            }
            if (given != null && !changes.isEmpty()) {
                given = io.streamlearn.config.ModelEntry.with(((ObjectNode) given).put("id", model), changes);
            }
            CatalogueRecord r = editor(options.load()).add(model, given);
            System.out.printf(Locale.ROOT, "added '%s' to the catalogue: %s%n", model, describe(r));
            return 0;
        }
    }

    @Command(name = "set", versionProvider = VersionProvider.class,
            description = {"Change how a model learns (learning rate, optimizer, L2, update mode, snapshots, drift, time):",
                    "each instance rebuilds it under the new settings and publishes the next version saying what changed."})
    static final class Set implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "Model id.")
        String model;

        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Settings, dotted as in the file: optimizer.learningRate=0.05")
        List<String> pairs;

        @Mixin
        ConfigOptions options;

        @Mixin
        HelpOptions help;

        @Override
        public Integer call() {
            CatalogueRecord r = editor(options.load()).set(model, settings(pairs));
            System.out.printf(Locale.ROOT, "changed '%s' in the catalogue: %s%n", model, describe(r));
            return 0;
        }
    }

    @Command(name = "retire", versionProvider = VersionProvider.class,
            description = {"Retire a model: no instance trains or scores it any more (its records are dead-lettered",
                    "MODEL_RETIRED); its weights stay on 'weights'. 'model add MODEL' brings it back."})
    static final class Retire implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "Model id.")
        String model;

        @Mixin
        ConfigOptions options;

        @Mixin
        HelpOptions help;

        @Override
        public Integer call() {
            editor(options.load()).retire(model);
            System.out.printf(Locale.ROOT, "retired '%s': no longer trained or scored; its weights stay readable%n", model);
            return 0;
        }
    }

    @Command(name = "list", versionProvider = VersionProvider.class,
            description = "List the catalogue: every model, active or retired, its settings and who changed it last.")
    static final class ListModels implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Mixin
        HelpOptions help;

        @Override
        public Integer call() {
            Map<String, CatalogueRecord> all = editor(options.load()).current();
            System.out.printf(Locale.ROOT, "%-16s %-8s %-8s  %s%n", "MODEL", "STATE", "BY", "SETTINGS");
            for (CatalogueRecord r : all.values()) {
                System.out.printf(Locale.ROOT, "%-16s %-8s %-8s  %s%n", r.id(), r.retired() ? "retired" : "active", r.changedBy(),
                        describe(r));
            }
            return 0;
        }
    }
}
