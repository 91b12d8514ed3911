package io.streamlearn.topology;

import io.streamlearn.learn.OnlineLearner;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports updates a learner refused because they would have made its weights non-finite: every
 * one to the listener (the {@code streamlearn.updates.refused} counter), and a WARN at most once a
 * minute per model, since a learning rate that diverges tends to do so on example after example.
 * The rest go to DEBUG. Shared by the trainers of one topology: thread-safe.
 */
final class RefusedUpdates {
    private static final Logger LOG = LoggerFactory.getLogger(RefusedUpdates.class);
    static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final TopologyListener listener;
    private final WarnLimiter limiter;

    RefusedUpdates(TopologyListener listener, LongSupplier nanoTime) {
        this.listener = listener;
        this.limiter = new WarnLimiter(WARN_EVERY, nanoTime);
    }

    /** Reports what {@code learner} refused since its refused count was {@code refusedBefore}, if anything. */
    void report(OnlineLearner learner, long refusedBefore) {
        long soFar = learner.updatesRefused();
        if (soFar == refusedBefore) {
            return;
        }
        String model = learner.config().id();
        listener.updatesRefused(model, (int) (soFar - refusedBefore), soFar);
        if (limiter.allow(model)) {
            LOG.warn("model '{}': refused a non-finite update ({} refused so far); the previous weights stay."
                    + " Lower the learning rate or scale the features. (Logged at most once a minute per model;"
                    + " see the metric streamlearn.updates.refused.)", model, soFar);
        } else {
            LOG.debug("model '{}': refused a non-finite update ({} refused so far)", model, soFar);
        }
    }
}
