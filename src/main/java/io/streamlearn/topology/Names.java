package io.streamlearn.topology;

/**
 * Names of every source, processor, sink and store. Fixed names keep changelog topics and state
 * directories stable when the topology changes; renaming one is a breaking change for running
 * applications (their state would be rebuilt from scratch).
 */
public final class Names {
    public static final String EXAMPLES_SOURCE = "examples-source";
    public static final String EXAMPLES_VALIDATE = "examples-validate";
    public static final String EXAMPLES_DEAD_LETTERS = "examples-dead-letters-sink";
    public static final String REPARTITION_SINK = "examples-by-model-sink";
    public static final String REPARTITION_SOURCE = "examples-by-model-source";
    public static final String TRAIN = "train";
    public static final String MODEL_STORE = "model-state-store";
    /** Cached and unlogged: it has no changelog, so it can be renamed (see {@link PreCommitStore}). */
    public static final String PRE_COMMIT_STORE = "model-pre-commit-store";
    public static final String WEIGHTS_SINK = "weights-sink";
    public static final String WEIGHTS_HISTORY_SINK = "weights-history-sink";
    public static final String DRIFT_SINK = "drift-sink";
    /** Examples the trainer refuses: late for their model's window. */
    public static final String TRAIN_DEAD_LETTERS = "train-dead-letters-sink";
    public static final String REQUESTS_SOURCE = "model-requests-source";
    public static final String REQUESTS_VALIDATE = "model-requests-validate";
    public static final String REQUESTS_DEAD_LETTERS = "model-requests-dead-letters-sink";

    /** Data-parallel models ({@link ParallelTraining}). */
    public static final String PARALLEL_SPLIT = "examples-parallel-split";
    public static final String REPLICA = "examples-replica";
    public static final String REPLICA_STORE = "parallel-replica-store";
    /** Cached and unlogged, like {@link #PRE_COMMIT_STORE}. */
    public static final String REPLICA_PRE_COMMIT_STORE = "parallel-replica-pre-commit-store";
    public static final String DELTAS_SINK = "parallel-deltas-sink";
    public static final String DELTAS_SOURCE = "parallel-deltas-source";
    public static final String ROUNDS_STORE = "parallel-rounds-store";

    public static final String EVENTS_SOURCE = "events-source";
    public static final String SCORE = "score";
    public static final String SCORED_EVENTS_SINK = "scored-events-sink";
    public static final String EVENTS_DEAD_LETTERS = "events-dead-letters-sink";

    public static final String WEIGHTS_GLOBAL_SOURCE = "weights-global-source";
    public static final String WEIGHTS_GLOBAL_UPDATE = "weights-global-update";
    public static final String WEIGHTS_GLOBAL_STORE = "weights-global-store";

    public static final String CATALOGUE_GLOBAL_SOURCE = "catalogue-global-source";
    public static final String CATALOGUE_GLOBAL_UPDATE = "catalogue-global-update";
    public static final String CATALOGUE_GLOBAL_STORE = "catalogue-global-store";

    /** Suffix of the internal topic that routes examples to the task that owns their model. */
    public static final String REPARTITION_TOPIC_SUFFIX = "-examples-by-model";

    private Names() {
    }

    public static String repartitionTopic(String applicationId) {
        return applicationId + REPARTITION_TOPIC_SUFFIX;
    }

    /** The internal topic replicas' deltas reach their model's trainer through. */
    public static String deltasTopic(String applicationId) {
        return applicationId + "-parallel-deltas";
    }

    public static String modelStoreChangelog(String applicationId) {
        return applicationId + "-" + MODEL_STORE + "-changelog";
    }
}
