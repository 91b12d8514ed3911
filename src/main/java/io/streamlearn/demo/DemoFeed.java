package io.streamlearn.demo;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.data.Generators;
import io.streamlearn.data.LabeledRow;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.lifecycle.ShutdownSequence;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a served demo busy: every tick it takes rows from a built-in generator and sends, at a
 * steady rate, labeled examples to {@code examples} and as many unlabeled events (the next rows,
 * label dropped) to {@code events}, so the dashboard has a moving model and fresh scored points.
 * Runs on one daemon thread until closed.
 */
public final class DemoFeed implements AutoCloseable {
    /** Generators that suit the demo's two-input model. */
    public static final List<String> KINDS = List.of("hyperplane", "blobs", "gaussian");

    private static final Logger LOG = LoggerFactory.getLogger(DemoFeed.class);
    private static final int TICKS_PER_SECOND = 10;

    private final StreamlearnConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Iterator<LabeledRow> rows;
    private final Codec<LabeledExample> examples;
    private final Codec<Event> events;
    private final ScheduledExecutorService ticker;
    private final double perTick;
    private final AtomicLong examplesSent = new AtomicLong();
    private final AtomicLong eventsSent = new AtomicLong();
    /** Started last, so at exit it stops first: nothing is sent to a learner that is closing. */
    private final ShutdownSequence.Registration exit;
    private double owed;

    private DemoFeed(StreamlearnConfig config, String kind, double perSecond, long seed) {
        this.config = config;
        this.rows = Generators.stream(kind, seed, 2, 2);
        this.examples = Topics.of(config).examples().codec();
        this.events = Topics.of(config).events().codec();
        this.producer = new KafkaProducer<>(TutorialDemo.producerProps(config));
        this.perTick = perSecond / TICKS_PER_SECOND;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamlearn-demo-feed");
            t.setDaemon(true);
            return t;
        });
        this.exit = ShutdownSequence.onExit("the demo feed", this::stop);
    }

    /**
     * Starts feeding the default model of {@code config}: {@code perSecond} examples and as many
     * events a second, drawn from the generator {@code kind} (one of {@link #KINDS}).
     */
    public static DemoFeed start(StreamlearnConfig config, String kind, double perSecond, long seed) {
        String k = kind.toLowerCase(Locale.ROOT);
        if (!KINDS.contains(k)) {
            throw new IllegalArgumentException("unknown feed '" + kind + "' (have " + KINDS + ")");
        }
        if (!(perSecond > 0 && perSecond <= 10_000)) {
            throw new IllegalArgumentException("the feed rate must be above 0 and at most 10000 a second");
        }
        DemoFeed f = new DemoFeed(config, k, perSecond, seed);
        f.ticker.scheduleAtFixedRate(f::tick, 0, 1000 / TICKS_PER_SECOND, TimeUnit.MILLISECONDS);
        return f;
    }

    private void tick() {
        try {
            owed += perTick;
            String model = config.defaultModel();
            byte[] key = model.getBytes(StandardCharsets.UTF_8);
            long now = System.currentTimeMillis();
            Deliveries delivered = new Deliveries();
            while (owed >= 1) {
                owed--;
                LabeledRow train = rows.next();
                long n = examplesSent.incrementAndGet();
                producer.send(new ProducerRecord<>(config.topics().examples(), null, now, key,
                        examples.encode(LabeledExample.of("feed-" + n, model, train.features(), train.label()))), delivered);
                LabeledRow score = rows.next();
                long m = eventsSent.incrementAndGet();
                String id = "feed-event-" + m;
                producer.send(new ProducerRecord<>(config.topics().events(), null, now, id.getBytes(StandardCharsets.UTF_8),
                        events.encode(new Event(id, model, score.features()))), delivered);
            }
            producer.flush();
            delivered.check();
        } catch (RuntimeException e) {
            // A failed send must not end the schedule silently for ever; say so and go on.
            if (!ticker.isShutdown()) {
                LOG.warn("demo feed: {}", e.toString());
            }
        }
    }

    public long examplesSent() {
        return examplesSent.get();
    }

    public long eventsSent() {
        return eventsSent.get();
    }

    /** Stops sending; safe to call more than once. */
    @Override
    public void close() {
        exit.run();
    }

    private void stop() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
