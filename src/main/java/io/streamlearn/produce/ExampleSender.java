package io.streamlearn.produce;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.codec.JsonExampleCodec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.codec.PlainHeader;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.Label;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Sends the rows of an input: each checked by the configuration's rules before it goes, held
 * out to {@code events} (its true label in a header) or sent to {@code examples}, paced by the
 * rate, every send counted by its acknowledgement. Held-out events wait until the examples are
 * sent and {@link BeforeEvents} lets them go, so the weights that score them were trained on
 * every example before them.
 */
public final class ExampleSender {
    /** Held-out events kept back until the examples are sent; beyond this many they go at once. */
    static final int MAX_HELD_BACK = 1_000_000;

    /** What runs between the examples and the held-back events (waiting for the learner to train on the examples). */
    @FunctionalInterface
    public interface BeforeEvents {
        void await(String model) throws InterruptedException;
    }

    /** A row ready to send: everything but its timestamp, which the rate gives once the producer is connected. */
    private record Ready(String id, String model, String key, boolean heldOut, String resolved, LabeledExample example) {
    }

    private final Topics topics;
    private final ConfigCheck check;
    private final HoldoutDraw holdout;
    private final RateLimit rate;
    private final RecordIds ids;
    private final String modelFlag;
    // One per topic: their acknowledgements are the counts reported, also when Ctrl-C cuts the run short.
    private final Deliveries examplesDelivered = new Deliveries();
    private final Deliveries eventsDelivered = new Deliveries();
    private final Codec<LabeledExample> exampleCodec;
    private final Codec<Event> eventCodec;

    /** {@code modelFlag}: the model written into every row ({@code --model}), or null to keep each row's own. */
    public ExampleSender(Topics topics, ConfigCheck check, HoldoutDraw holdout, RateLimit rate, RecordIds ids, String modelFlag) {
        this.topics = topics;
        this.check = check;
        this.holdout = holdout;
        this.rate = rate;
        this.ids = ids;
        this.modelFlag = modelFlag;
        this.exampleCodec = topics.examples().codec();
        this.eventCodec = topics.events().codec();
    }

    public Deliveries examplesDelivered() {
        return examplesDelivered;
    }

    public Deliveries eventsDelivered() {
        return eventsDelivered;
    }

    /**
     * Sends at most {@code limit} rows of {@code source}. The first row is read and checked before
     * {@code open} is called, so input that the configuration refuses fails without a broker.
     *
     * @param labels where the true labels of held-out events go, as CSV {@code id,label}; or null
     * @param progress told the number of rows handled after each
     * @throws ProduceRefused for a row the learner would refuse, saying what was sent before it
     */
    public Sent send(ExampleSource source, long limit, Supplier<Producer<byte[], byte[]>> open, PrintWriter labels,
                     LongConsumer progress, BeforeEvents beforeEvents) throws InterruptedException {
        Ready next = limit > 0 ? ready(source.next(), 0) : null;
        if (labels != null) {
            labels.println("id,label");
        }
        try (Producer<byte[], byte[]> producer = open.get()) {
            producer.partitionsFor(topics.examples().name());
            rate.start();
            long t0 = System.nanoTime();
            List<ProducerRecord<byte[], byte[]>> heldBack = new ArrayList<>();
            String eventModel = null;
            long i = 0;
            while (next != null) {
                rate.awaitTurn(i);
                if (next.heldOut()) {
                    ProducerRecord<byte[], byte[]> event = event(next, i, labels);
                    eventModel = eventModel != null ? eventModel : next.resolved();
                    if (heldBack.size() < MAX_HELD_BACK) {
                        heldBack.add(event);
                    } else {
                        producer.send(event, eventsDelivered);
                    }
                } else {
                    producer.send(example(next, i), examplesDelivered);
                }
                progress.accept(++i);
                next = i < limit ? readyOrStop(source.next(), i, producer) : null;
            }
            producer.flush();
            examplesDelivered.check();
            eventsDelivered.check();
            if (!heldBack.isEmpty()) {
                beforeEvents.await(eventModel);
                heldBack.forEach(r -> producer.send(r, eventsDelivered));
                producer.flush();
                eventsDelivered.check();
            }
            return new Sent(examplesDelivered.acknowledged(), eventsDelivered.acknowledged(), System.nanoTime() - t0);
        }
    }

    /** The next row ready to send, or null after the last; a refused row stops the run once what went before is written. */
    private Ready readyOrStop(SourceRow row, long index, Producer<byte[], byte[]> producer) {
        try {
            return ready(row, index);
        } catch (ProduceRefused refused) {
            producer.flush();
            long sent = examplesDelivered.acknowledged() + eventsDelivered.acknowledged();
            throw new ProduceRefused(refused.getMessage() + " (the " + sent + " record" + (sent == 1 ? "" : "s")
                    + " before it were sent; held-out events waiting for the examples were not)");
        }
    }

    private Ready ready(SourceRow row, long index) {
        if (row == null) {
            return null;
        }
        LabeledExample e = row.example();
        String id = e.id() != null ? e.id() : ids.id(index);
        String model = modelFlag != null ? modelFlag : e.model();
        String key = row.key() != null ? row.key() : id;
        boolean heldOut = holdout.heldOut(index);
        LabeledExample sent = new LabeledExample(id, model, e.features(), e.label());
        String resolved = check.modelOf(sent, key, row.where(), heldOut);
        return new Ready(id, model, key, heldOut, resolved, sent);
    }

    private ProducerRecord<byte[], byte[]> example(Ready r, long index) {
        return new ProducerRecord<>(topics.examples().name(), null, rate.timestamp(index), bytes(r.key()),
                exampleCodec.encode(r.example()));
    }

    private ProducerRecord<byte[], byte[]> event(Ready r, long index, PrintWriter labels) {
        LabeledExample e = r.example();
        String label = e.label() instanceof Label.Vector v ? Arrays.toString(v.target())
                : JsonExampleCodec.number(((Label.Scalar) e.label()).value());
        if (labels != null) {
            labels.println(r.id() + "," + label);
        }
        List<Header> headers = List.of(new PlainHeader(HeaderNames.TRUE_LABEL, bytes(label)));
        return new ProducerRecord<>(topics.events().name(), null, rate.timestamp(index), bytes(r.key()),
                eventCodec.encode(new Event(r.id(), r.model(), e.features())), headers);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
