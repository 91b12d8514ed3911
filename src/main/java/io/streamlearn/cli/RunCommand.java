package io.streamlearn.cli;

import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.BrokerUnavailableException;
import io.streamlearn.topology.TopologyListener;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the learner against a Kafka cluster until stopped (Ctrl-C or SIGTERM close it cleanly). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the learner on a Kafka cluster until stopped: train on 'examples', publish 'weights', score 'events'.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        StreamlearnConfig config = options.load();
        StreamlearnApp app;
        try {
            app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60));
        } catch (BrokerUnavailableException e) {
            throw new UserError(e.getMessage());
        }
        Thread hook = new Thread(app::close, "streamlearn-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Throwable failure = app.awaitStop();
        if (failure != null) {
            System.err.println("error: the learner stopped: " + failure.getMessage());
            return ErrorHandler.FAILED;
        }
        return 0;
    }
}
