package io.streamlearn.cli;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.WeightsReader;
import java.time.Instant;
import io.streamlearn.snapshot.PublishedFigures;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Lists every model published on the weights topic, with its newest version and metrics. */
@Command(name = "models", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List the models on 'weights': newest version, counters, prequential accuracy and log loss.")
final class ModelsCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() {
        StreamlearnConfig loaded = options.load();
        Properties client = KafkaAccess.connect(loaded);
        StreamlearnConfig config = KafkaAccess.withCatalogue(loaded, client);
        Map<String, WeightSnapshot> latest = WeightsReader.latest(client, config.topics().weights(),
                Topics.of(config).weights().codec());
        System.out.printf(Locale.ROOT, "%-16s %8s %-8s %12s %10s %9s %9s  %s%n", "MODEL", "VERSION", "SOURCE", "EXAMPLES",
                "UPDATES", "ACCURACY", "LOGLOSS", "CREATED");
        for (WeightSnapshot s : latest.values()) {
            System.out.println(row(s));
        }
        for (String declared : config.models().keySet()) {
            if (!latest.containsKey(declared)) {
                System.out.printf(Locale.ROOT, "%-16s %8s %-8s (declared, nothing published yet)%n", declared, "-", "-");
            }
        }
        return 0;
    }

    /** A published model's row; "-" where its accuracy and log loss were not measured. */
    static String row(WeightSnapshot s) {
        return String.format(Locale.ROOT, "%-16s %8d %-8s %12d %10d %s %s  %s", s.getModel(), s.getVersion(),
                s.getSource(), s.getExamplesSeen(), s.getUpdatesApplied(), PublishedFigures.cell(PublishedFigures.accuracy(s)),
                PublishedFigures.cell(PublishedFigures.logLoss(s)), Instant.ofEpochMilli(s.getCreatedAt()));
    }
}
