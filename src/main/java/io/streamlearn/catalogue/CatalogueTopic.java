package io.streamlearn.catalogue;

import io.streamlearn.codec.CatalogueRecord;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.codec.JsonCatalogueCodec;
import io.streamlearn.snapshot.WeightsReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The catalogue topic read whole, and written one acknowledged record at a time. */
public final class CatalogueTopic {
    private static final JsonCatalogueCodec CODEC = new JsonCatalogueCodec();

    private CatalogueTopic() {
    }

    /** The newest readable record of every model on the topic; records that do not decode are left out. */
    public static Map<String, CatalogueRecord> read(WeightsReader.Opened reader, String topic) {
        Map<String, CatalogueRecord> out = new LinkedHashMap<>();
        reader.newestByKey(topic).forEach((id, bytes) -> {
            try {
                out.put(id, CODEC.decode(bytes));
            } catch (InvalidRecordException ignored) {
                // the topology refuses it too, with a WARN; the model keeps its previous state there
            }
        });
        return out;
    }

    public static Map<String, CatalogueRecord> read(Properties client, String topic) {
        try (WeightsReader.Opened reader = WeightsReader.open(client)) {
            return read(reader, topic);
        }
    }

    /** Writes the records, keyed by model id, and returns once the broker has every one (acks=all). */
    public static void write(Properties client, String topic, List<CatalogueRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new java.util.ArrayList<>();
            for (CatalogueRecord r : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, r.id().getBytes(StandardCharsets.UTF_8), CODEC.encode(r))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to '" + topic + "'", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not write to the model catalogue '" + topic + "': " + e.getCause(), e.getCause());
        }
    }
}
