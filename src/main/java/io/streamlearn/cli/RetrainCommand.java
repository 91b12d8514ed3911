package io.streamlearn.cli;
import io.streamlearn.app.KafkaProperties;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.eval.Prequential;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import io.streamlearn.model.RecordCheck;
import io.streamlearn.retrain.EpochStats;
import io.streamlearn.retrain.KafkaEpochSource;
import io.streamlearn.retrain.RetrainPlan;
import io.streamlearn.retrain.Retrainer;
import io.streamlearn.snapshot.SnapshotMapper;
import io.streamlearn.snapshot.WeightsReader;
import io.streamlearn.topology.ModelResolver;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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

    @Option(names = "--progress", negatable = true, description = "Progress bar over the epochs on stderr (default: when stderr is a terminal).")
    Boolean progress;

    @Override
    public Integer call() {
        StreamlearnConfig config = options.load();
        String id = model != null ? model : config.defaultModel();
        RetrainPlan plan = plan();
        offsets();
        if (optimizer != null) {
            try {
                OptimizerKind.parse(optimizer);
            } catch (IllegalArgumentException e) {
                throw new UserError("--optimizer must be sgd, momentum, adagrad, rmsprop or adam, got '" + optimizer + "'");
            }
        }
        Properties client = KafkaAccess.connect(config);
        Codec<WeightSnapshot> snapshots = Topics.of(config).weights().codec();
        WeightSnapshot latest = WeightsReader.latest(client, config.topics().weights(), snapshots).get(id);
        ModelConfig mc = config.model(id);
        if (mc == null && latest != null) {
            mc = SnapshotMapper.modelConfig(latest);
        }
        if (mc == null) {
            throw new UserError("model '" + id + "' is neither declared in the configuration nor published on '"
                    + config.topics().weights() + "'");
        }
        ModelSpec spec = overridden(mc.spec());
        Network network = mc.hasInitialWeights() ? Network.withWeights(spec, mc.initialWeights(), mc.initialBiases())
                : Network.initialize(spec);
        Network checker = Network.initialize(spec);
        KafkaEpochSource.StartAt startAt = new KafkaEpochSource.StartAt(timestamp(), offsets());
        long t0 = System.nanoTime();
        EpochStats last;
        Prequential tested = null;
        long total;
        Predicate<LabeledExample> fits = e -> RecordCheck.example(id, spec, e.features(), e.label()) == null;
        try (KafkaEpochSource source = new KafkaEpochSource(client, config.topics().examples(), startAt,
                Topics.of(config).examples().codec(), new ModelResolver(config), id, fits, buffer);
             KafkaEpochSource testSet = testEvents ? KafkaEpochSource.heldOutEvents(client, config.topics().events(),
                     Topics.of(config).events().codec(), new ModelResolver(config), id, fits, buffer)
                     : null) {
            System.out.printf(Locale.ROOT, "Retraining '%s' on %s of '%s': %s, %s, %s%s, holdout %.0f%%%n",
                    id, Counts.of(source.rangeSize(), "record"), config.topics().examples(), Counts.of(plan.epochs(), "epoch"),
                    plan.fullBatch() ? "full batch" : plan.batchSize() == 1 ? "stochastic" : "batch size " + plan.batchSize(),
                    spec.optimizer().kind().name().toLowerCase(Locale.ROOT) + " lr " + spec.optimizer().learningRate(),
                    plan.shuffle() ? ", shuffled" : "", plan.holdout() * 100);
            Retrainer r = new Retrainer(network, plan);
            int every = Math.max(1, plan.epochs() / 10);
            ProduceCommand.Progress bar = new ProduceCommand.Progress(progress != null ? progress : System.console() != null,
                    plan.epochs());
            Prequential[] test = {null};
            last = r.run(source, s -> {
                bar.update(s.epoch());
                if (s.epoch() == 1 || s.epoch() % every == 0 || s.epoch() == plan.epochs()) {
                    test[0] = testSet == null ? null : r.test(testSet);
                    System.out.printf(Locale.ROOT, "epoch %d/%d  loss %.6f  (%s, %s%s)%s%s%n", s.epoch(),
                            plan.epochs(), s.trainLoss(), Counts.of(s.trained(), "example"), Counts.of(s.updates(), "update"),
                            s.refused() > 0 ? ", " + s.refused() + " refused as non-finite" : "",
                            s.heldOut() > 0 ? String.format(Locale.ROOT, "  holdout accuracy %.3f log loss %.4f (%d)",
                                    s.holdoutAccuracy(), s.holdoutLogLoss(), s.heldOut()) : "",
                            test[0] == null ? "" : String.format(Locale.ROOT, "  test accuracy %.3f log loss %.4f (%s)",
                                    test[0].accuracy(), test[0].logLoss(), Counts.of(test[0].scored(), "event")));
                }
            });
            tested = test[0];
            bar.done();
            total = source.total();
            if (total == 0) {
                throw new UserError("no usable examples of model '" + id + "' in the range ("
                        + source.skipped() + " records of other models or invalid)");
            }
            if (tested != null && tested.scored() == 0) {
                throw new UserError("--test-events: no event of model '" + id + "' in '" + config.topics().events()
                        + "' carries a true label (header " + HeaderNames.TRUE_LABEL + "; produce --holdout adds it)");
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "trained in %.2f s%n", secs);
        if (network.updatesRefused() > 0) {
            System.out.printf(Locale.ROOT, "refused %s (of %d); the weights before each were kept."
                            + " Lower the learning rate or scale the features.%n",
                    Counts.of(network.updatesRefused(), "non-finite update"), network.updatesRefused() + network.updatesApplied());
        }
        if (noPublish) {
            return 0;
        }
        long version = (latest == null ? 0 : latest.getVersion()) + 1;
        // The snapshot's metrics: the holdout's, else the test set's when that is all there is.
        Prequential m = last.heldOut() == 0 && tested != null ? tested
                : new Prequential(last.heldOut(), Math.round(last.holdoutAccuracy() * last.heldOut()),
                        last.holdoutLogLoss() * last.heldOut());
        UpdateMode mode = plan.fullBatch() ? new UpdateMode(UpdateMode.Kind.FULL_BATCH, 0, 0)
                : plan.batchSize() == 1 ? UpdateMode.stochastic() : UpdateMode.count(plan.batchSize());
        WeightSnapshot s = SnapshotMapper.snapshot(id, version, network, mode, last.trained() * plan.epochs(), m,
                System.currentTimeMillis(), SnapshotSource.RETRAIN, latest == null ? null : latest.getVersion());
        Properties p = new Properties();
        p.putAll(client);
        p.putAll(KafkaProperties.modelProducerLimits(config, ""));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            Deliveries delivered = new Deliveries();
            producer.send(new ProducerRecord<>(config.topics().weights(), id, snapshots.encode(s)), delivered);
            producer.flush();
            delivered.check();
        }
        System.out.printf(Locale.ROOT, "published '%s' version %d (source RETRAIN, parent %s) to '%s'%n", id, version,
                latest == null ? "none" : Long.toString(latest.getVersion()), config.topics().weights());
        return 0;
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

    private ModelSpec overridden(ModelSpec spec) {
        OptimizerSpec o = spec.optimizer();
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
        return new ModelSpec(spec.inputSize(), spec.layers(), spec.loss(), o, spec.l2(), spec.seed());
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
