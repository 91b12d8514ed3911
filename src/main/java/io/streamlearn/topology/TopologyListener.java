package io.streamlearn.topology;

import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.learn.OnlineLearner;

/**
 * What the topology tells the outside world as it works: the hook for metrics. Called on stream
 * threads, so implementations must be cheap and thread-safe. Every method has a no-op default.
 */
public interface TopologyListener {
    TopologyListener NONE = new TopologyListener() { };

    /** A record went to the dead-letter topic; {@code reason} is the one its reason header carries. */
    default void deadLetter(String sourceTopic, DeadLetterReason reason) {
    }

    /** A learner has learned from one more example (its counters and metrics are current). */
    default void trained(OnlineLearner learner, int updatesApplied) {
    }

    /**
     * A data-parallel model's replica (one per examples partition, several per model) has learned
     * from one more example; its learner's counters are that replica's alone.
     */
    default void replicaTrained(OnlineLearner replica, int replicaId, int updatesApplied) {
    }

    /** A learner refused a late example (its window had closed); {@link OnlineLearner#lateRecords} counts it. */
    default void late(OnlineLearner learner) {
    }

    /**
     * {@code model} refused {@code refused} updates (1 or 2, from one example or one stream-time
     * tick) because they would have made a weight, bias or optimizer state NaN or infinite; its
     * previous weights stay. {@code refusedSoFar} counts every refusal since the model started
     * (it is checkpointed, so it survives restarts).
     */
    default void updatesRefused(String model, int refused, long refusedSoFar) {
    }

    /** A snapshot of {@code model} was published. */
    default void published(String model, long version, long streamTime) {
    }

    /**
     * A scoring task took up {@code version} of {@code model}: it copied the network the global
     * processor decoded once for that version. Happens once per version and task, never per event.
     */
    default void scoringLoaded(String model, long version) {
    }

    /** An event was scored as {@code label}; {@code nanos} is the time spent scoring it. */
    default void scored(String model, long version, double[] features, int label, long nanos) {
    }

    /**
     * A snapshot on the weights topic was refused (unreadable, or not the shape of the configured
     * model); the previous weights stay in use.
     */
    default void snapshotRejected(String model, long version, String reason) {
    }

    /**
     * Kafka refused a record the application wrote to {@code topicKind} (one of
     * {@link #UNWRITABLE_TOPIC_KINDS}); {@code skipped}: the learner went on without it, else it stops.
     * Called on a producer or stream thread.
     */
    default void unwritable(String topicKind, boolean skipped) {
    }

    /** {@code model} was retired from the catalogue: what is kept per model (meters) can go. */
    default void retired(String model) {
    }

    /** The kinds of topic {@link #unwritable} names: a bounded set, fit for a metric tag. */
    java.util.List<String> UNWRITABLE_TOPIC_KINDS = java.util.List.of("scored-events", "dead-letters", "weights",
            "changelog", "repartition", "other");

    /** Tells every listener of the list, in order. */
    static TopologyListener all(TopologyListener... listeners) {
        return new TopologyListener() {
            @Override
            public void deadLetter(String sourceTopic, io.streamlearn.codec.DeadLetterReason reason) {
                for (TopologyListener l : listeners) {
                    l.deadLetter(sourceTopic, reason);
                }
            }

            @Override
            public void trained(OnlineLearner learner, int updatesApplied) {
                for (TopologyListener l : listeners) {
                    l.trained(learner, updatesApplied);
                }
            }

            @Override
            public void replicaTrained(OnlineLearner replica, int replicaId, int updatesApplied) {
                for (TopologyListener l : listeners) {
                    l.replicaTrained(replica, replicaId, updatesApplied);
                }
            }

            @Override
            public void late(OnlineLearner learner) {
                for (TopologyListener l : listeners) {
                    l.late(learner);
                }
            }

            @Override
            public void updatesRefused(String model, int refused, long refusedSoFar) {
                for (TopologyListener l : listeners) {
                    l.updatesRefused(model, refused, refusedSoFar);
                }
            }

            @Override
            public void published(String model, long version, long streamTime) {
                for (TopologyListener l : listeners) {
                    l.published(model, version, streamTime);
                }
            }

            @Override
            public void snapshotRejected(String model, long version, String reason) {
                for (TopologyListener l : listeners) {
                    l.snapshotRejected(model, version, reason);
                }
            }

            @Override
            public void unwritable(String topicKind, boolean skipped) {
                for (TopologyListener l : listeners) {
                    l.unwritable(topicKind, skipped);
                }
            }

            @Override
            public void retired(String model) {
                for (TopologyListener l : listeners) {
                    l.retired(model);
                }
            }

            @Override
            public void scoringLoaded(String model, long version) {
                for (TopologyListener l : listeners) {
                    l.scoringLoaded(model, version);
                }
            }

            @Override
            public void scored(String model, long version, double[] features, int label, long nanos) {
                for (TopologyListener l : listeners) {
                    l.scored(model, version, features, label, nanos);
                }
            }
        };
    }
}
