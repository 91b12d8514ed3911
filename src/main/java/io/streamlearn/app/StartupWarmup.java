package io.streamlearn.app;

import io.streamlearn.config.Format;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.JsonNumbers;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.LoggerFactory;

/**
 * Work every learner's start does on its first steps, begun on a second thread while the main
 * thread is still parsing the command line and the configuration: loading and initialising the
 * Kafka protocol's message classes (about 2,600 classes, most of a start's class loading), the
 * client and Streams configuration definitions, Avro's schemas, the JSON number reader's table
 * (tens of milliseconds, else paid on the first event) and RocksDB's native library.
 * Each is idempotent and initialised once per JVM, so the start that follows finds it done
 * instead of doing it in line; on two cores that takes a few hundred milliseconds off a start.
 * Nothing here talks to a broker, and a failure only means the start does the work itself.
 */
public final class StartupWarmup {
    private StartupWarmup() {
    }

    /** Starts the warm-up on a daemon thread and returns at once. */
    public static void begin() {
        Thread t = new Thread(StartupWarmup::run, "streamlearn-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.NORM_PRIORITY - 1);
        t.start();
    }

    private static void run() {
        try {
            LoggerFactory.getLogger(StartupWarmup.class);
            ApiKeys.values();
            ApiMessageType.values();
            ConsumerConfig.configNames();
            ProducerConfig.configNames();
            AdminClientConfig.configNames();
            StreamsConfig.configDef();
            Codecs.snapshots(Format.AVRO);
            Codecs.snapshots(Format.JSON);
            Codecs.checkpoints();
            JsonNumbers.parse("0.5");
            RocksDbLibrary.load();
        } catch (RuntimeException | LinkageError e) {
            // only ever a head start: the start itself does whatever is missing
        }
    }
}
