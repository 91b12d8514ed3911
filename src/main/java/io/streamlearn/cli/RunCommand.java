package io.streamlearn.cli;

import io.streamlearn.app.LearnerStoppedException;
import io.streamlearn.app.Observability;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.http.HttpApi;
import io.streamlearn.kafka.BrokerUnavailableException;
import io.streamlearn.snapshot.ModelRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the learner against a Kafka cluster until stopped. Ctrl-C or SIGTERM close it cleanly
 * (the learner commits and leaves its group, then the HTTP server stops) and the JVM exits with
 * 130 or 143; if the learner fails, one line on stderr says why and the exit code is 1.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run the learner on a Kafka cluster until stopped: train on 'examples', publish 'weights', score 'events'.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve the HTTP API, /metrics and the dashboard on this port (0: any free port; default: the config's httpPort, else none).")
    Integer httpPort;

    @Option(names = "--http-host", defaultValue = "127.0.0.1", description = "Address the HTTP server binds (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Override
    public Integer call() throws Exception {
        StreamlearnConfig config = options.load();
        if (httpPort != null && httpPort < 0) {
            throw new UserError("--http-port must be between 0 and 65535");
        }
        int port = httpPort != null ? httpPort : config.httpPort();
        if (port < -1 || port > 65535) {
            throw new UserError("--http-port must be between 0 and 65535");
        }
        Observability obs = new Observability();
        ModelRegistry registry = new ModelRegistry();
        StreamlearnApp app;
        try {
            app = port >= 0 ? obs.start(config, registry, httpHost, port, Duration.ofSeconds(60))
                    : StreamlearnApp.start(config, registry, obs.listener(registry), Duration.ofSeconds(60));
        } catch (BrokerUnavailableException e) {
            obs.close();
            throw new UserError(e.getMessage());
        }
        if (port >= 0) {
            HttpApi http = obs.http();
            System.out.println("HTTP API and dashboard at http://" + httpHost + ":" + http.port() + "/");
        }
        System.out.println("streamlearn running on " + config.bootstrapServers() + "; Ctrl-C to stop.");
        // A stop on request is the JVM's exit closing the learner, then the HTTP server (both are
        // registered with ShutdownSequence): awaitStop returns null and the exit goes on.
        Throwable failure = app.awaitStop();
        obs.close();
        if (failure != null) {
            throw new LearnerStoppedException(failure, config);
        }
        return 0;
    }
}
