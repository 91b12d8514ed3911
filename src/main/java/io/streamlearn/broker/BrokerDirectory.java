package io.streamlearn.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * The broker's one log directory, which also holds the KRaft metadata log.
 *
 * <p>Kafka refuses to start on an unformatted directory, and formatting again would throw away the
 * cluster id and with it all topics; so a directory is formatted once and reused from then on.
 * Next to Kafka's own files it holds a small properties file with the ports, so that a restarted
 * broker comes back at the address its clients were given.
 */
final class BrokerDirectory {

    /** Written by the formatter; its presence is what makes a directory a Kafka node. */
    private static final String META_PROPERTIES = "meta.properties";
    private static final String STATE_FILE = "streamlearn-broker.properties";
    private static final String CLUSTER_ID = "cluster.id";
    private static final String NODE_ID = "node.id";
    private static final String BROKER_PORT = "port";
    private static final String CONTROLLER_PORT = "controller.port";
    /** In a temporary directory only: the pid of the JVM that made it, so a later run can tell it was orphaned. */
    static final String OWNER_FILE = "streamlearn-owner.pid";

    private final Path path;

    BrokerDirectory(Path path) {
        this.path = path.toAbsolutePath();
    }

    Path path() {
        return path;
    }

    boolean isFormatted() {
        return Files.isRegularFile(path.resolve(META_PROPERTIES));
    }

    /** Formats the directory as a new single-node cluster and returns its cluster id. */
    String format(int nodeId, String controllerListenerName) {
        String clusterId = Uuid.randomUuid().toString();
        try {
            Files.createDirectories(path);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(path.toString()))
                    .setMetadataLogDirectory(path.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName(controllerListenerName)
                    .run();
        } catch (Exception e) {
            throw new BrokerStartException("Could not format the Kafka log dir " + path + ": " + e.getMessage(), e);
        }
        return clusterId;
    }

    String clusterId() {
        return required(META_PROPERTIES, CLUSTER_ID);
    }

    int nodeId() {
        return Integer.parseInt(required(META_PROPERTIES, NODE_ID));
    }

    /** The ports of the previous run, if this directory was started before. */
    Optional<BrokerPorts> savedPorts() {
        Properties state = load(STATE_FILE);
        String broker = state.getProperty(BROKER_PORT);
        String controller = state.getProperty(CONTROLLER_PORT);
        if (broker == null || controller == null) {
            return Optional.empty();
        }
        return Optional.of(new BrokerPorts(Integer.parseInt(broker), Integer.parseInt(controller)));
    }

    void saveState(String clusterId, BrokerPorts ports) {
        Properties state = new Properties();
        state.setProperty(CLUSTER_ID, clusterId);
        state.setProperty(BROKER_PORT, Integer.toString(ports.broker()));
        state.setProperty(CONTROLLER_PORT, Integer.toString(ports.controller()));
        Path tmp = path.resolve(STATE_FILE + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                state.store(out, "streamlearn embedded broker: reused when it restarts on this directory");
            }
            Files.move(tmp, path.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + path.resolve(STATE_FILE), e);
        }
    }

    /**
     * A new temporary directory under {@code root}, marked with this JVM's pid. A shutdown hook
     * removes it when the JVM exits normally; the mark lets {@link #sweepOrphans} remove it after
     * a kill, which runs no hook.
     */
    static BrokerDirectory createTemporary(Path root, String prefix) {
        try {
            Path dir = Files.createTempDirectory(root, prefix);
            Files.writeString(dir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            return new BrokerDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary Kafka log dir in " + root, e);
        }
    }

    /**
     * Deletes the temporary directories under {@code root} whose owning JVM is gone; returns how
     * many. A directory without a mark (made by hand, or kept on purpose) or whose owner is alive
     * is left alone; one that cannot be deleted now is left for the next sweep.
     */
    static int sweepOrphans(Path root, String prefix) {
        int removed = 0;
        try (var dirs = Files.newDirectoryStream(root, prefix + "*")) {
            for (Path dir : dirs) {
                Optional<Long> owner = owner(dir);
                if (owner.isPresent() && !ProcessHandle.of(owner.get()).map(ProcessHandle::isAlive).orElse(false)) {
                    try {
                        Utils.delete(dir.toFile());
                        removed++;
                    } catch (IOException e) {
                        // Still in use or not ours to delete: the next sweep tries again.
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Cleaning up after others must never stop a broker from starting.
        }
        return removed;
    }

    private static Optional<Long> owner(Path dir) {
        Path mark = dir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(mark)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(Files.readString(mark).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Marks the directory as kept: it no longer names an owner, so no sweep will remove it. */
    void unmark() {
        try {
            Files.deleteIfExists(path.resolve(OWNER_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write in " + path, e);
        }
    }

    void delete() {
        try {
            Utils.delete(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the Kafka log dir " + path, e);
        }
    }

    private String required(String file, String key) {
        String value = load(file).getProperty(key);
        if (value == null) {
            throw new BrokerStartException(path.resolve(file) + " has no " + key, null);
        }
        return value;
    }

    private Properties load(String file) {
        Properties props = new Properties();
        Path p = path.resolve(file);
        if (Files.isRegularFile(p)) {
            try (InputStream in = Files.newInputStream(p)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + p, e);
            }
        }
        return props;
    }
}
