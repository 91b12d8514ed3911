package io.streamlearn.bench;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.Format;
import io.streamlearn.kafka.Deliveries;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The records every benchmark reads: d Gaussian features (seed 1), label 1 when the alternating sum
 * of the features is positive, key "i", timestamps one millisecond apart ending now. The same
 * seed gives the same bytes, so runs on different days read the same data.
 */
final class BenchData {
    private BenchData() {
    }

    /** {@code count} examples to {@code examples} and, when {@code events} is not null, the same features as events. */
    static void produce(String bootstrap, Format format, int dims, int count, String examples, String events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "524288");
        Codec<LabeledExample> ex = Codecs.examples(format, dims);
        Codec<Event> ev = Codecs.events(format, dims);
        Random r = new Random(1);
        long t0 = System.currentTimeMillis() - count;
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                double[] x = new double[dims];
                double s = 0;
                for (int j = 0; j < x.length; j++) {
                    x[j] = r.nextGaussian();
                    s += x[j] * (j % 2 == 0 ? 1 : -1);
                }
                byte[] key = Integer.toString(i).getBytes();
                producer.send(new ProducerRecord<>(examples, null, t0 + i, key, ex.encode(LabeledExample.of(null, null, x, s > 0 ? 1 : 0))), delivered);
                if (events != null) {
                    producer.send(new ProducerRecord<>(events, null, t0 + i, key, ev.encode(new Event("e" + i, null, x))), delivered);
                }
            }
            producer.flush();
        }
        delivered.check();
    }
}
