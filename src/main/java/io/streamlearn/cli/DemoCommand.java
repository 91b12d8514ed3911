package io.streamlearn.cli;

import io.streamlearn.app.TutorialDemo;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The tutorial, end to end on a real (embedded) Kafka broker, with no setup. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the tutorial on an embedded KRaft broker: train on 150 blobs through Kafka, score 50, print the test accuracy.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up when a step takes longer than this (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds < 1) {
            throw new UserError("--timeout must be at least 1 second");
        }
        PrintStream out = System.out;
        Path state = Files.createTempDirectory("streamlearn-demo-state");
        out.println("Starting an embedded Kafka broker (KRaft, single node)...");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
            out.println("Broker ready at " + broker.bootstrapServers());
            StreamlearnConfig config = TutorialDemo.configure(ConfigLoader.load(null, Map.of(
                    "applicationId", "streamlearn-demo",
                    "bootstrapServers", broker.bootstrapServers(),
                    "stateDir", state.toString())));
            TutorialDemo.Result r = TutorialDemo.run(config, out, Duration.ofSeconds(timeoutSeconds));
            out.println();
            out.printf("Test accuracy (read from '%s'): %.3f  (%d of %d correct)%n",
                    config.topics().scoredEvents(), r.accuracy(), r.correct(), r.scored());
            out.printf("Prequential accuracy while training: %.3f over %d examples%n",
                    r.prequentialAccuracy(), r.examplesSeen());
            out.printf("Published weights: version %d, w = %s, b = %s%n", r.version(),
                    Arrays.toString(r.weights()), Arrays.toString(r.biases()));
            out.printf("Done in %.1f s.%n", r.took().toMillis() / 1000.0);
            return 0;
        } finally {
            deleteRecursively(state);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
