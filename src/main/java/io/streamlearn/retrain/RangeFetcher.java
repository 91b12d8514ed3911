package io.streamlearn.retrain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a fixed range of every partition on a thread of its own, one poll ahead of the caller:
 * while the caller decodes and trains on one batch, the consumer fetches and parses the next, so
 * a replay read from Kafka takes about as long as reading alone (RetrainBench). Batches come out
 * in the order the consumer returned them, so training sees the records in the same order as
 * when one thread did both. At most {@link #AHEAD} batches wait, each at most one poll
 * ({@code max.poll.records}), so memory stays bounded. The consumer is used by this thread alone
 * until {@link #close} returns.
 */
final class RangeFetcher implements AutoCloseable {
    /** Batches read and not yet taken: one keeps the consumer busy while the caller works. */
    private static final int AHEAD = 1;
    private static final Object END = new Object();

    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> start;
    private final Map<TopicPartition, Long> end;
    private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(AHEAD);
    private final Thread thread;
    private volatile boolean closing;

    RangeFetcher(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
        this.consumer = consumer;
        this.start = start;
        this.end = end;
        this.thread = new Thread(this::fetch, "streamlearn-replay-fetch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next batch of records in the range, in order; null after the last. */
    @SuppressWarnings("unchecked")
    List<ConsumerRecord<byte[], byte[]>> next() {
        Object o;
        try {
            o = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying", e);
        }
        if (o == END) {
            return null;
        }
        if (o instanceof RuntimeException failed) {
            throw failed;
        }
        if (o instanceof Error failed) {
            throw failed;
        }
        return (List<ConsumerRecord<byte[], byte[]>>) o;
    }

    private void fetch() {
        try {
            start.forEach(consumer::seek);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            end.forEach((tp, e) -> {
                if (e > start.get(tp)) {
                    remaining.put(tp, e);
                }
            });
            while (!remaining.isEmpty() && !closing) {
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = remaining.get(tp);
                    if (stop == null || r.offset() >= stop) {
                        continue;
                    }
                    batch.add(r);
                    if (r.offset() + 1 >= stop) {
                        remaining.remove(tp);
                    }
                }
                // Transaction markers occupy offsets no record is returned for: done once the position passes the end.
                remaining.entrySet().removeIf(en -> consumer.position(en.getKey()) >= en.getValue());
                if (!batch.isEmpty()) {
                    ready.put(batch);
                }
            }
            ready.put(END);
        } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException stopped) {
            // close() while the caller no longer takes batches: nothing to hand over
        } catch (RuntimeException | Error failed) {
            handOver(failed);
        }
    }

    /** Makes the caller's next {@link #next} throw what stopped the reading. */
    private void handOver(Throwable failed) {
        try {
            ready.put(failed);
        } catch (InterruptedException closed) {
            // the caller has gone: it no longer waits for anything
        }
    }

    /** Stops reading (when the caller stops early) and waits until the consumer is free again. */
    @Override
    public void close() {
        closing = true;
        if (thread.isAlive()) {
            thread.interrupt();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
