package io.streamlearn.broker;

import io.streamlearn.lifecycle.ShutdownSequence;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (one process that is broker and KRaft controller) inside this
 * JVM, built from Kafka's own server classes.
 *
 * <p>It exists so that the demo and the integration tests need neither Docker nor a Kafka
 * installation: {@code streamlearn broker} runs one on a data directory it keeps between starts,
 * and tests get one on a temporary directory. A directory that was already formatted is started
 * again as it is (same cluster id, topics, offsets and, unless told otherwise, the same ports).
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
 *     String bootstrap = broker.bootstrapServers();   // "127.0.0.1:PORT"
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    /** The node id of a freshly formatted directory; an existing one keeps its own. */
    private static final int NODE_ID = 1;
    private static final String TEMP_DIR_PREFIX = "streamlearn-kafka-";

    private final KafkaRaftServer server;
    private final BrokerDirectory directory;
    private final BrokerPorts ports;
    private final String clusterId;
    private final boolean deleteOnClose;
    /**
     * Stops the broker (and removes a temporary directory) if the JVM exits first. It is the last
     * step of {@link ShutdownSequence}, after the clients that were started on this broker.
     */
    private final ShutdownSequence.Registration exit;

    private EmbeddedKafkaBroker(KafkaRaftServer server, BrokerDirectory directory, BrokerPorts ports,
                                String clusterId, boolean deleteOnClose) {
        this.server = server;
        this.directory = directory;
        this.ports = ports;
        this.clusterId = clusterId;
        this.deleteOnClose = deleteOnClose;
        this.exit = ShutdownSequence.onExit("the embedded Kafka broker at " + bootstrapServers(), this::stop);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address clients connect to: {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return LoopbackPorts.HOST + ":" + ports.broker();
    }

    public int port() {
        return ports.broker();
    }

    public int controllerPort() {
        return ports.controller();
    }

    public String clusterId() {
        return clusterId;
    }

    public Path logDir() {
        return directory.path();
    }

    /**
     * Stops the broker and waits until it has let go of its ports and files, then deletes the log
     * directory unless it is kept. Safe to call more than once; a call while the JVM's exit is
     * closing the broker returns once it is stopped.
     */
    @Override
    public void close() {
        exit.run();
    }

    private void stop() {
        long start = System.nanoTime();
        stop(server);
        if (deleteOnClose) {
            directory.delete();
        }
        LOG.debug("Embedded KRaft broker at {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    /** Collects the few choices that matter; everything has a default that suits a test. */
    public static final class Builder {

        private int port;
        private int controllerPort;
        private Path logDir;
        private Boolean keepLogDir;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** The client port; 0 (the default) means the port of the previous run, or a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The controller port; 0 (the default) means the port of the previous run, or a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort);
            return this;
        }

        /** Where the data lives; without it, a new temporary directory. */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** Whether {@link EmbeddedKafkaBroker#close()} leaves the data behind; by default a given directory is kept, a temporary one is not. */
        public Builder keepLogDir(boolean keep) {
            this.keepLogDir = keep;
            return this;
        }

        /** A broker setting added to (or replacing) the defaults, e.g. an extra listener. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Formats the directory if it is new, starts the broker and returns once it accepts
         * clients (about 3 s).
         *
         * @throws BrokerStartException if the broker cannot start, e.g. because a port is taken
         */
        public EmbeddedKafkaBroker start() {
            long begin = System.nanoTime();
            boolean temporary = logDir == null;
            boolean keep = keepLogDir != null ? keepLogDir : !temporary;
            BrokerDirectory directory;
            if (temporary) {
                Path root = tempRoot();
                int swept = BrokerDirectory.sweepOrphans(root, TEMP_DIR_PREFIX);
                if (swept > 0) {
                    LOG.info("Removed {} temporary Kafka log dir(s) left in {} by JVMs that were killed", swept, root);
                }
                directory = BrokerDirectory.createTemporary(root, TEMP_DIR_PREFIX);
                if (keep) {
                    directory.unmark();
                }
            } else {
                directory = new BrokerDirectory(logDir);
            }
            try {
                EmbeddedKafkaBroker broker = startOn(directory, !keep);
                LOG.info("Embedded KRaft broker started at {} (log dir {}) in {} ms", broker.bootstrapServers(),
                        directory.path(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
                return broker;
            } catch (RuntimeException e) {
                if (temporary && !keep) {
                    directory.delete();
                }
                throw e;
            }
        }

        private EmbeddedKafkaBroker startOn(BrokerDirectory directory, boolean deleteOnClose) {
            BrokerPorts ports = BrokerPorts.resolve(port, controllerPort, directory.savedPorts());
            ports.requireFree();
            int nodeId;
            String clusterId;
            if (directory.isFormatted()) {
                nodeId = directory.nodeId();
                clusterId = directory.clusterId();
            } else {
                nodeId = NODE_ID;
                clusterId = directory.format(nodeId, BrokerSettings.CONTROLLER_LISTENER);
            }
            KafkaConfig config;
            try {
                config = new KafkaConfig(BrokerSettings.of(nodeId, directory.path(), ports, brokerProperties), false);
            } catch (ConfigException e) {
                throw new BrokerStartException("Invalid embedded broker settings: " + e.getMessage(), e);
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                stopAfterFailedStart(server);
                throw new BrokerStartException("Could not start the embedded Kafka broker at "
                        + LoopbackPorts.HOST + ":" + ports.broker() + " (controller port " + ports.controller()
                        + "): " + rootMessage(e), e);
            }
            directory.saveState(clusterId, ports);
            return new EmbeddedKafkaBroker(server, directory, ports, clusterId, deleteOnClose);
        }

        private static void stopAfterFailedStart(KafkaRaftServer server) {
            try {
                stop(server);
            } catch (RuntimeException alreadyBroken) {
                LOG.debug("Cleaning up after a failed start", alreadyBroken);
            }
        }

        private static String rootMessage(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        }

        private static Path tempRoot() {
            return Path.of(System.getProperty("java.io.tmpdir"));
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("not a TCP port: " + port);
            }
            return port;
        }
    }
}
