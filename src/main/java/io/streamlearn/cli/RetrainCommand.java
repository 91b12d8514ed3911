package io.streamlearn.cli;

import io.streamlearn.codec.HeaderNames;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.eval.Prequential;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import io.streamlearn.retrain.EpochStats;
import io.streamlearn.retrain.KafkaEpochSource;
import io.streamlearn.retrain.RetrainJob;
import io.streamlearn.retrain.RetrainPlan;
import io.streamlearn.retrain.RetrainRefused;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Replays the examples topic to train a model from scratch, then publishes it as a new version. */
@Command(name = "retrain", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Retrain a model offline on 'examples' and publish it as a new version.",
                "Replays 'examples' (up to the end offsets seen at start) for E epochs with batch size B,",
                "then publishes the result to 'weights' as a new version with source RETRAIN;",
                "the running learner and scoring adopt it."})
final class RetrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = {"-m", "--model"}, paramLabel = "ID", description = "Model to retrain (default: the default model).")
    String model;

    @Option(names = {"-e", "--epochs"}, defaultValue = "1", description = "Passes over the examples (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = {"-B", "--batch-size"}, paramLabel = "B|all", defaultValue = "1",
            description = "Examples per update: 1 = stochastic, all = full batch (default: ${DEFAULT-VALUE}).")
    String batchSize;

    @Option(names = "--shuffle", description = "Shuffle every epoch (within a buffer of --buffer examples).")
    boolean shuffle;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the shuffle and the holdout split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--optimizer", paramLabel = "KIND", description = "Override the optimizer: sgd, momentum, adagrad, rmsprop, adam (Keras defaults).")
    String optimizer;

    @Option(names = {"--learning-rate", "--lr"}, paramLabel = "RATE", description = "Override the learning rate.")
    Double learningRate;

    @Option(names = "--holdout", paramLabel = "SHARE", defaultValue = "0",
            description = "Share of examples held out (by partition and offset, deterministic) and scored after every epoch.")
    double holdout;

    @Option(names = "--test-events",
            description = {"Also score, at every reported epoch, the events of the model that carry their true label",
                    "(header " + HeaderNames.TRUE_LABEL + ", as 'produce --holdout' sends them): the test set the learner never trained on."})
    boolean testEvents;

    @Option(names = "--from-timestamp", paramLabel = "TIME", description = "Start at this time (ISO-8601 or epoch ms) instead of the beginning.")
    String fromTimestamp;

    @Option(names = "--offsets", paramLabel = "P:O", split = ",", description = "Start at these offsets, e.g. 0:1500,1:0.")
    List<String> offsets = new ArrayList<>();

    @Option(names = "--buffer", defaultValue = "100000",
            description = "Shuffle buffer size; a range no larger than this is also kept in memory between epochs (default: ${DEFAULT-VALUE}).")
    int buffer;

    @Option(names = "--no-publish", description = "Train and report, but publish nothing.")
    boolean noPublish;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = {"How long to wait for the running learner to publish the result (default: ${DEFAULT-VALUE}).",
                    "The learner assigns the version; a learner that is not running publishes it when it starts."})
    int waitSeconds;

    @Option(names = "--progress", negatable = true, description = "Progress bar over the epochs on stderr (default: when stderr is a terminal).")
    Boolean progress;

    @Override
    public Integer call() {
        StreamlearnConfig loaded = options.load();
        String id = model != null ? model : loaded.defaultModel();
        RetrainPlan plan = plan();
        if (waitSeconds < 1) {
            throw new UserError("--wait must be at least 1 second, got " + waitSeconds);
        }
        KafkaEpochSource.StartAt startAt = new KafkaEpochSource.StartAt(timestamp(), offsets());
        overridden(null);
        // Flags are checked before the broker is: a bad flag is said at once, with or without a broker.
        Properties client = KafkaAccess.connect(loaded);
        StreamlearnConfig config = KafkaAccess.withCatalogue(loaded, client);
        RetrainJob job = new RetrainJob(config, client);
        long t0 = System.nanoTime();
        RetrainJob.Result result;
        try {
            result = job.run(new RetrainJob.Request(id, plan, startAt, this::overridden, testEvents, !noPublish,
                    Duration.ofSeconds(waitSeconds)),
                    new Printed(config, plan));
        } catch (RetrainRefused e) {
            throw new UserError(e.getMessage());
        }
        System.out.printf(Locale.ROOT, "trained in %.2f s%n", (System.nanoTime() - t0) / 1e9);
        Network network = result.network();
        if (network.updatesRefused() > 0) {
            System.out.printf(Locale.ROOT, "refused %s (of %d); the weights before each were kept."
                            + " Lower the learning rate or scale the features.%n",
                    Counts.of(network.updatesRefused(), "non-finite update"), network.updatesRefused() + network.updatesApplied());
        }
        if (result.version() >= 0) {
            System.out.printf(Locale.ROOT, "published '%s' version %d (source RETRAIN, parent %s) to '%s'%n", id,
                    result.version(), result.parent() == null ? "none" : Long.toString(result.parent()), config.topics().weights());
        }
        return 0;
    }

    /** Prints a retrain's progress: a summary line, then about ten epoch lines. */
    private final class Printed implements RetrainJob.Report {
        private final StreamlearnConfig config;
        private final RetrainPlan plan;
        private final int every;
        private final ProgressBar bar;

        Printed(StreamlearnConfig config, RetrainPlan plan) {
            this.config = config;
            this.plan = plan;
            this.every = Math.max(1, plan.epochs() / 10);
            this.bar = new ProgressBar(progress, plan.epochs());
        }

        @Override
        public void starting(String id, long records, ModelSpec spec) {
            System.out.printf(Locale.ROOT, "Retraining '%s' on %s of '%s': %s, %s, %s%s, holdout %.0f%%%n",
                    id, Counts.of(records, "record"), config.topics().examples(), Counts.of(plan.epochs(), "epoch"),
                    plan.fullBatch() ? "full batch" : plan.batchSize() == 1 ? "stochastic" : "batch size " + plan.batchSize(),
                    spec.optimizer().kind().name().toLowerCase(Locale.ROOT) + " lr " + spec.optimizer().learningRate(),
                    plan.shuffle() ? ", shuffled" : "", plan.holdout() * 100);
        }

        @Override
        public boolean wantsTest(int epoch) {
            return epoch == 1 || epoch % every == 0 || epoch == plan.epochs();
        }

        @Override
        public void epoch(EpochStats s, Prequential test) {
            bar.update(s.epoch());
            if (wantsTest(s.epoch())) {
                System.out.printf(Locale.ROOT, "epoch %d/%d  loss %.6f  (%s, %s%s)%s%s%n", s.epoch(),
                        plan.epochs(), s.trainLoss(), Counts.of(s.trained(), "example"), Counts.of(s.updates(), "update"),
                        s.refused() > 0 ? ", " + s.refused() + " refused as non-finite" : "",
                        s.heldOut() > 0 ? String.format(Locale.ROOT, "  holdout accuracy %.3f log loss %.4f (%d)",
                                s.holdoutAccuracy(), s.holdoutLogLoss(), s.heldOut()) : "",
                        test == null ? "" : String.format(Locale.ROOT, "  test accuracy %.3f log loss %.4f (%s)",
                                test.accuracy(), test.logLoss(), Counts.of(test.scored(), "event")));
            }
            if (s.epoch() == plan.epochs()) {
                bar.done();
            }
        }
    }

    private RetrainPlan plan() {
        int b;
        if (batchSize.equalsIgnoreCase("all") || batchSize.equalsIgnoreCase("full")) {
            b = 0;
        } else {
            try {
                b = Integer.parseInt(batchSize);
            } catch (NumberFormatException e) {
                throw new UserError("--batch-size must be a positive number or 'all', got '" + batchSize + "'");
            }
            if (b < 1) {
                throw new UserError("--batch-size must be a positive number or 'all', got '" + batchSize + "'");
            }
        }
        if (buffer < 1) {
            throw new UserError("--buffer must be at least 1");
        }
        try {
            return new RetrainPlan(epochs, b, shuffle, seed, holdout, buffer);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage().replace("epochs", "--epochs").replace("holdout", "--holdout"));
        }
    }

    /** {@code spec} with the command line's optimizer and learning rate; with null, only checks the flags. */
    private ModelSpec overridden(ModelSpec spec) {
        OptimizerSpec o = spec == null ? OptimizerSpec.defaults(OptimizerKind.SGD) : spec.optimizer();
        if (optimizer != null) {
            try {
                o = OptimizerSpec.defaults(OptimizerKind.parse(optimizer));
            } catch (IllegalArgumentException e) {
                throw new UserError("--optimizer must be sgd, momentum, adagrad, rmsprop or adam, got '" + optimizer + "'");
            }
        }
        if (learningRate != null) {
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new UserError("--learning-rate must be a positive number");
            }
            o = o.withLearningRate(learningRate);
        }
        // withOptimizer keeps everything else, feature scaling included: a retrain of a scaled model
        // that dropped it was refused by the learner as another network ("scaling none, configured standard").
        return spec == null ? null : spec.withOptimizer(o);
    }

    private Map<Integer, Long> offsets() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        for (String po : offsets) {
            String[] parts = po.split("[:=]", 2);
            try {
                int partition = Integer.parseInt(parts[0].trim());
                long offset = Long.parseLong(parts[1].trim());
                if (partition < 0 || offset < 0) {
                    throw new NumberFormatException();
                }
                out.put(partition, offset);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new UserError("--offsets takes PARTITION:OFFSET pairs such as 0:1500,1:0, got '" + po + "'");
            }
        }
        return out;
    }

    private Long timestamp() {
        if (fromTimestamp == null) {
            return null;
        }
        try {
            return Long.parseLong(fromTimestamp);
        } catch (NumberFormatException notMillis) {
            try {
                return Instant.parse(fromTimestamp).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new UserError("--from-timestamp must be epoch milliseconds or ISO-8601 (2026-11-28T10:00:00Z), got '"
                        + fromTimestamp + "'");
            }
        }
    }
}
