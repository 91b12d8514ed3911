package io.streamlearn.cli;

import io.streamlearn.broker.EmbeddedKafkaBroker;
import io.streamlearn.lifecycle.ShutdownSequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A single-node KRaft broker in the foreground, for trying streamlearn with any Kafka client. */
@Command(name = "broker", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run an embedded single-node Kafka broker (KRaft) in the foreground until Ctrl-C.",
                "Its data directory is kept between starts."})
final class BrokerCommand implements Callable<Integer> {
    @Option(names = {"-p", "--port"}, defaultValue = "9092", description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = {"-d", "--data-dir"}, defaultValue = "streamlearn-broker-data",
            description = "Log directory, created if missing and kept (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535 || controllerPort < 1 || controllerPort > 65535 || port == controllerPort) {
            throw new UserError("--port and --controller-port must be two different ports between 1 and 65535");
        }
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new UserError("--data-dir " + dataDir + " exists and is not a directory");
        }
        Files.createDirectories(dataDir);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .port(port).controllerPort(controllerPort).logDir(dataDir.toAbsolutePath()).keepLogDir(true).start();
        CountDownLatch stopped = new CountDownLatch(1);
        ShutdownSequence.onExit("the broker command", () -> {
            System.out.println("Stopping the broker...");
            broker.close();
            stopped.countDown();
        });
        System.out.println("Kafka broker ready at " + broker.bootstrapServers() + " (data in " + dataDir.toAbsolutePath()
                + "); Ctrl-C to stop.");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
