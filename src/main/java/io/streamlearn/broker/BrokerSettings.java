package io.streamlearn.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The broker configuration for one node that is both broker and controller, for tests and a local
 * demo. Every value here differs from Kafka's default for a reason given next to it; anything else
 * is Kafka's default. Extra settings from the caller are applied last and win.
 */
final class BrokerSettings {

    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final int MIB = 1024 * 1024;

    private BrokerSettings() {
    }

    static Properties of(int nodeId, Path logDir, BrokerPorts ports, Map<String, String> overrides) {
        String host = LoopbackPorts.HOST;
        Properties p = new Properties();
        p.put("node.id", Integer.toString(nodeId));
        p.put("process.roles", "broker,controller");

        p.put("listeners", BROKER_LISTENER + "://" + host + ":" + ports.broker() + ","
                + CONTROLLER_LISTENER + "://" + host + ":" + ports.controller());
        p.put("advertised.listeners", BROKER_LISTENER + "://" + host + ":" + ports.broker());
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        // A static voter needs a concrete address; port 0 cannot be used here.
        p.put("controller.quorum.voters", nodeId + "@" + host + ":" + ports.controller());

        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());

        // One node: internal topics cannot have more replicas than that.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions make the first consumer group and transaction start faster.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");

        // Otherwise every first group (and Kafka Streams app) waits 3 s before its first assignment.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose, with the partitions the application expects.
        p.put("auto.create.topics.enable", "false");
        // Keep every record: time-based retention counts from record timestamps, so a data set
        // replayed with its historical timestamps (or a test stream stamped in the past) would be
        // deleted by the first retention check, 30 s after start — consumers then jump to the end.
        p.put("log.retention.ms", "-1");
        p.put("num.partitions", "1");

        // After a hard kill the restarted node must wait for its old registration to time out
        // (the session, 9 s by default) before it accepts clients: 6 s here. The heartbeat stays at
        // Kafka's 2 s: the controller gives a heartbeat half the interval in its queue, and with 1 s
        // a busy two-core machine overran those 500 ms often, each time an ERROR ("controller event
        // queue overloaded", harmless: the late heartbeat still counts). Three heartbeats a session.
        p.put("broker.session.timeout.ms", "6000");
        p.put("broker.heartbeat.interval.ms", "2000");
        // A controller event slower than this is an ERROR ("Exceptionally slow controller event"),
        // 2 s by default: a broker sharing a laptop with the learner takes that long now and then
        // (its first commit at a cold start, a GC pause). Slower events are still counted and
        // summarised at INFO; one this slow is worth the ERROR.
        p.put("controller.performance.always.log.threshold.ms", "10000");

        // The default allocates 128 MiB at start, too much for a small heap shared with the app.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * MIB));
        // Tests and the demo make many small topics; each segment preallocates its index files.
        // Segments themselves keep Kafka's 1 GiB, which costs nothing until written: the broker
        // refuses a batch larger than a segment, so a smaller size would cap every topic's
        // max.message.bytes (16 MiB segments refused a 20 MB record on a topic that allows 64 MiB).
        p.put("log.index.size.max.bytes", Integer.toString(MIB));
        // Two cores: Kafka's thread pools are sized for servers.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");

        p.putAll(overrides);
        return p;
    }
}
