package io.streamlearn.cli;

import io.streamlearn.app.LearnerStoppedException;
import io.streamlearn.broker.EmbeddedKafkaBroker;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.DemoFeed;
import io.streamlearn.demo.ServedDemo;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.lifecycle.ShutdownSequence;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The tutorial, end to end on a real (embedded) Kafka broker, with no setup. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run the tutorial on an embedded KRaft broker: train on 150 blobs through Kafka, score 50, print the test accuracy.",
                "With --serve, keep running afterwards with the dashboard and a generator feeding the model, until Ctrl-C."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up when a step takes longer than this (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--serve", description = "After the tutorial, keep running: dashboard, HTTP API and /metrics, fed by a generator, until Ctrl-C.")
    boolean serve;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "With --serve: port of the dashboard and API (0: any free port; default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "With --serve: address the HTTP server binds (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--feed", paramLabel = "GENERATOR", defaultValue = "hyperplane",
            description = "With --serve: what feeds the model, one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: a slowly rotating boundary).",
            completionCandidates = FeedKinds.class)
    String feed;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "20",
            description = "With --serve: examples a second, and as many events (default: ${DEFAULT-VALUE}).")
    double rate;

    /** The feed generators, for the help text. */
    static final class FeedKinds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return DemoFeed.KINDS.iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        // From here, not from the tutorial's start: the user waits for the broker and the learner to start too.
        long started = System.nanoTime();
        if (timeoutSeconds < 1) {
            throw new UserError("--timeout must be at least 1 second");
        }
        if (serve) {
            checkServeOptions();
            return serve();
        }
        for (String o : new String[] {"--http-port", "--http-host", "--feed", "--rate"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                throw new UserError(o + " applies with --serve only");
            }
        }
        PrintStream out = System.out;
        Path state = Files.createTempDirectory("streamlearn-demo-state");
        // Registered before the broker and the learner, so at exit it runs after both have stopped.
        ShutdownSequence.Registration removeState = ShutdownSequence.onExit("the demo's state directory",
                () -> deleteRecursively(state));
        out.println("Starting an embedded Kafka broker (KRaft, single node)...");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
            out.println("Broker ready at " + broker.bootstrapServers());
            StreamlearnConfig config = TutorialDemo.configure(ConfigLoader.load(null, Map.of(
                    "applicationId", "streamlearn-demo",
                    "bootstrapServers", broker.bootstrapServers(),
                    "stateDir", state.toString())));
            TutorialDemo.Result r = TutorialDemo.run(config, out, Duration.ofSeconds(timeoutSeconds));
            printResult(out, config, r);
            out.printf(Locale.ROOT, "Done in %.1f s.%n", (System.nanoTime() - started) / 1e9);
            return 0;
        } finally {
            removeState.run();
        }
    }

    private void checkServeOptions() {
        if (httpPort < 0 || httpPort > 65535) {
            throw new UserError("--http-port must be between 0 and 65535");
        }
        if (!DemoFeed.KINDS.contains(feed)) {
            throw new UserError("--feed must be one of " + DemoFeed.KINDS + ", not '" + feed + "'");
        }
        if (!(rate > 0 && rate <= 10_000)) {
            throw new UserError("--rate must be above 0 and at most 10000 examples a second");
        }
        if (httpPort != 0) {
            // Fail now, not after half a minute of starting a broker and a learner.
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getByName(httpHost), httpPort));
            } catch (IOException e) {
                throw new UserError("cannot serve on " + httpHost + ":" + httpPort + " (" + e.getMessage()
                        + "); choose another --http-port (0: any free port)");
            }
        }
    }

    /**
     * The tutorial, then the dashboard fed by a generator until Ctrl-C / SIGTERM. A stop on request
     * is the JVM's exit: {@link ShutdownSequence} closes the feed, the learner, the HTTP server and
     * the broker, in that order, then removes the state directory; this thread only waits.
     */
    private int serve() throws Exception {
        PrintStream out = System.out;
        Path state = Files.createTempDirectory("streamlearn-demo-state");
        ShutdownSequence.Registration removeState = ShutdownSequence.onExit("the demo's state directory", () -> {
            deleteRecursively(state);
            out.println("Stopped.");
            out.flush();
        });
        StreamlearnConfig config = null;
        Throwable failure;
        try {
            out.println("Starting an embedded Kafka broker (KRaft, single node)...");
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
                out.println("Broker ready at " + broker.bootstrapServers());
                config = TutorialDemo.configure(ConfigLoader.load(null, Map.of(
                        "applicationId", "streamlearn-demo",
                        "bootstrapServers", broker.bootstrapServers(),
                        "stateDir", state.toString())));
                ServedDemo.Options options = new ServedDemo.Options(httpHost, httpPort, feed, rate, 7);
                try (ServedDemo demo = ServedDemo.start(config, options, out, Duration.ofSeconds(timeoutSeconds))) {
                    printResult(out, config, demo.result());
                    out.println();
                    out.printf("Serving: the dashboard is at %s (also /models, /metrics, /health).%n", demo.url());
                    out.printf("Feeding '%s' at %s examples and as many events a second. Ctrl-C to stop.%n",
                            feed, rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate));
                    out.flush();
                    // Registered last: the first thing a stop on request does.
                    ShutdownSequence.Registration notice = ShutdownSequence.onExit("the demo's notice", () -> {
                        out.println("Stopping...");
                        out.flush();
                    });
                    failure = demo.awaitStop();
                    notice.run();
                }
            }
        } finally {
            removeState.run();
        }
        if (failure != null) {
            throw new LearnerStoppedException(failure, config);
        }
        return 0;
    }

    private static void printResult(PrintStream out, StreamlearnConfig config, TutorialDemo.Result r) {
        out.println();
        out.printf("Test accuracy (read from '%s'): %.3f  (%d of %d correct)%n",
                config.topics().scoredEvents(), r.accuracy(), r.correct(), r.scored());
        out.printf("Prequential accuracy while training: %.3f over %s%n",
                r.prequentialAccuracy(), Counts.of(r.examplesSeen(), "example"));
        out.printf("Published weights: version %d, w = %s, b = %s%n", r.version(),
                Arrays.toString(r.weights()), Arrays.toString(r.biases()));
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
