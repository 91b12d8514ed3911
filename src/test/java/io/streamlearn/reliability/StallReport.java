package io.streamlearn.reliability;

import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.topology.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What a learner that makes no progress is doing, for the failure message: its stream and
 * state-updater threads, the group, and for every partition it reads the committed offset, the
 * end offset, the last stable offset (what read_committed may read) and any producer with an
 * open transaction there.
 */
final class StallReport {
    private StallReport() {
    }

    static String of(ChildLearner child, StreamlearnConfig config) {
        StringBuilder sb = new StringBuilder("\n--- stall report\n");
        sb.append(threads(child));
        Properties p = new Properties();
        p.put("bootstrap.servers", config.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            sb.append("group: ").append(admin.describeConsumerGroups(List.of(config.applicationId())).all()
                    .get(10, TimeUnit.SECONDS)).append('\n');
            var committed = admin.listConsumerGroupOffsets(config.applicationId()).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            List<String> topics = new ArrayList<>(List.of(config.topics().examples()));
            if (config.partitions() > 1) {
                topics.add(Names.repartitionTopic(config.applicationId()));
            }
            List<TopicPartition> parts = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((t, d) ->
                    d.partitions().forEach(pi -> parts.add(new TopicPartition(t, pi.partition()))));
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
            parts.forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
            var start = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
            var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(10, TimeUnit.SECONDS);
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
            var producers = admin.describeProducers(parts).all().get(10, TimeUnit.SECONDS);
            for (TopicPartition tp : parts) {
                var c = committed.get(tp);
                sb.append(tp).append(": log start ").append(start.get(tp).offset())
                        .append(", committed ").append(c == null ? "none" : c.offset())
                        .append(", end ").append(end.get(tp).offset()).append(", stable ").append(stable.get(tp).offset());
                producers.get(tp).activeProducers().stream().filter(s -> s.currentTransactionStartOffset().isPresent())
                        .forEach(s -> sb.append(", OPEN TRANSACTION producer ").append(s.producerId()).append(" epoch ")
                                .append(s.producerEpoch()).append(" from offset ").append(s.currentTransactionStartOffset().getAsLong()));
                sb.append('\n');
            }
            sb.append("transactions: ").append(CrashEquivalenceIT.transactions(config)).append('\n');
        } catch (Exception e) {
            sb.append("could not describe the group and offsets: ").append(e).append('\n');
        }
        return sb.toString();
    }

    private static String threads(ChildLearner child) {
        try {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(child.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(20, TimeUnit.SECONDS);
            StringBuilder sb = new StringBuilder();
            for (String block : dump.split("\n\n")) {
                if (block.contains("StreamThread") || block.contains("StateUpdater") || block.contains("GlobalStreamThread")) {
                    sb.append(block).append("\n\n");
                }
            }
            return sb.toString();
        } catch (IOException | InterruptedException e) {
            return "no thread dump: " + e + "\n";
        }
    }
}
