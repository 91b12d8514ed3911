package io.streamlearn.cli;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.retrain.RetrainRefused;
import io.streamlearn.retrain.Rollback;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Republishes an earlier version of a model as its next version. */
@Command(name = "rollback", versionProvider = VersionProvider.class,
        description = {"Republish an earlier version of a model as its next version (source ROLLBACK).",
                "Reads the version from 'weights-history' (every version, kept for the topic's retention);",
                "the running learner publishes it as the next version, goes on learning from it, and scoring adopts it."})
final class RollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model id.")
    String model;

    @Option(names = "--to-version", paramLabel = "V", required = true, description = "The version whose weights to republish.")
    long version;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the running learner to publish it (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Mixin
    ConfigOptions options;

    @Mixin
    HelpOptions help;

    @Override
    public Integer call() {
        if (version < 0) {
            throw new UserError("--to-version must be a version number (0 or more), got " + version);
        }
        if (waitSeconds < 1) {
            throw new UserError("--wait must be at least 1 second, got " + waitSeconds);
        }
        StreamlearnConfig loaded = options.load();
        Properties client = KafkaAccess.connect(loaded);
        StreamlearnConfig config = KafkaAccess.withCatalogue(loaded, client);
        WeightSnapshot published;
        try {
            published = Rollback.to(config, client, model, version, Duration.ofSeconds(waitSeconds));
        } catch (RetrainRefused e) {
            throw new UserError(e.getMessage());
        }
        System.out.printf(Locale.ROOT, "published '%s' version %d (source ROLLBACK, parent %s): the weights of version %d%n",
                model, published.getVersion(), published.getParentVersion() == null ? "none" : published.getParentVersion(), version);
        return 0;
    }
}
