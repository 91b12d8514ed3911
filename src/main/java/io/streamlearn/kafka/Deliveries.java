package io.streamlearn.kafka;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The outcome of a producer's sends. A fire-and-forget {@code send} loses a record silently when
 * it fails (the producer retries, gives up after {@code delivery.timeout.ms} and tells only the
 * callback), so every producer in streamlearn passes one of these and calls {@link #check()}
 * after {@code flush()}: a record that was not written stops the command with the reason.
 */
public final class Deliveries implements Callback {
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final AtomicReference<String> firstFailedTopic = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            acknowledged.incrementAndGet();
            return;
        }
        failed.incrementAndGet();
        if (firstFailure.compareAndSet(null, exception)) {
            firstFailedTopic.set(metadata != null ? metadata.topic() : "?");
        }
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Throws when any record sent so far failed; call after {@code producer.flush()}. */
    public void check() {
        Exception e = firstFailure.get();
        if (e != null) {
            throw new DeliveryFailedException(failed.get() + " record(s) could not be written (first to '"
                    + firstFailedTopic.get() + "'): " + e.getMessage(), e);
        }
    }

    /** Records were lost on the way to the broker; what was written before them stays written. */
    public static final class DeliveryFailedException extends RuntimeException {
        DeliveryFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
