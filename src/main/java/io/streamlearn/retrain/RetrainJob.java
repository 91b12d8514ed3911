package io.streamlearn.retrain;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.eval.Prequential;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.RecordCheck;
import io.streamlearn.snapshot.SnapshotMapper;
import io.streamlearn.snapshot.WeightsReader;
import io.streamlearn.config.ModelResolver;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One retrain: replays a model's examples from Kafka into a fresh network for the plan's epochs,
 * scores the holdout (and held-out events) as it goes, then publishes the result to the weights
 * topic. What to print is the caller's: it hears of every step through {@link Report}.
 */
public final class RetrainJob {
    /** Lineage headers of a request; the learner copies them onto the version it publishes. */
    public static final String REPLAYED = "streamlearn.lineage.replayed";
    public static final String BASE_VERSION = "streamlearn.lineage.base-version";

    /**
     * What to retrain and how. {@code specOverride} turns the model's declared spec into the one
     * trained (a command-line optimizer or learning rate); {@code testEvents} also scores the events
     * that carry their true label.
     */
    public record Request(String model, RetrainPlan plan, KafkaEpochSource.StartAt startAt,
                          UnaryOperator<ModelSpec> specOverride, boolean testEvents, boolean publish, Duration publishTimeout) {
    }

    /** The steps of a run, in order. */
    public interface Report {
        void starting(String model, long records, ModelSpec spec);

        /** After every epoch; {@code test} is the held-out events' score, or null when not measured this epoch. */
        void epoch(EpochStats stats, Prequential test);

        /** Whether {@code epoch} gets a test-set score (they cost a pass over the events). */
        boolean wantsTest(int epoch);
    }

    /** What a run did: the trained network, its last epoch, and the version published (-1 when not) and its parent. */
    public record Result(Network network, EpochStats last, Prequential tested, long total, long version, Long parent) {
    }

    private final StreamlearnConfig config;
    private final Properties client;
    private final Topics topics;

    public RetrainJob(StreamlearnConfig config, Properties client) {
        this.config = config;
        this.client = client;
        this.topics = Topics.of(config);
    }

    public Result run(Request request, Report report) {
        String id = request.model();
        RetrainPlan plan = request.plan();
        WeightSnapshot latest = WeightsReader.latest(client, topics.weights().name(), topics.weights().codec()).get(id);
        ModelConfig mc = config.model(id);
        if (mc == null && latest != null) {
            mc = SnapshotMapper.modelConfig(latest);
        }
        if (mc == null) {
            throw new RetrainRefused("model '" + id + "' is neither declared in the configuration nor published on '"
                    + topics.weights().name() + "'");
        }
        ModelSpec spec = request.specOverride().apply(mc.spec());
        Network network = mc.hasInitialWeights() ? Network.withWeights(spec, mc.initialWeights(), mc.initialBiases())
                : Network.initialize(spec);
        Predicate<LabeledExample> fits = e -> RecordCheck.example(id, spec, e.features(), e.label()) == null;
        EpochStats last;
        Prequential tested;
        long total;
        String replayed;
        try (KafkaEpochSource source = new KafkaEpochSource(client, topics.examples().name(), request.startAt(),
                topics.examples().codec(), new ModelResolver(config), id, fits, plan.shuffleBuffer());
             KafkaEpochSource testSet = request.testEvents() ? KafkaEpochSource.heldOutEvents(client, topics.events().name(),
                     topics.events().codec(), new ModelResolver(config), id, fits, plan.shuffleBuffer()) : null) {
            report.starting(id, source.rangeSize(), spec);
            replayed = topics.examples().name() + " " + source.range();
            Retrainer r = new Retrainer(network, plan);
            Prequential[] test = {null};
            last = r.run(source, s -> {
                Prequential t = testSet != null && report.wantsTest(s.epoch()) ? r.test(testSet) : null;
                test[0] = t != null ? t : test[0];
                report.epoch(s, t);
            });
            tested = test[0];
            total = source.total();
            if (total == 0) {
                throw new RetrainRefused("no usable examples of model '" + id + "' in the range ("
                        + source.skipped() + " records of other models or invalid)");
            }
            if (tested != null && tested.scored() == 0) {
                throw new RetrainRefused("--test-events: no event of model '" + id + "' in '" + topics.events().name()
                        + "' carries a true label (header " + HeaderNames.TRUE_LABEL + "; produce --holdout adds it)");
            }
        }
        Long base = latest == null ? null : latest.getVersion();
        if (!request.publish()) {
            return new Result(network, last, tested, total, -1, base);
        }
        WeightSnapshot published = publish(id, base, replayed, network, plan, last, tested, request.publishTimeout());
        return new Result(network, last, tested, total, published.getVersion(), published.getParentVersion());
    }

    /**
     * Asks the learner to publish {@code network} as the model's next version (the learner owns
     * every version number, so a retrain under live traffic is never numbered below what the
     * learner published meanwhile) and waits until it has. The request carries its lineage: the
     * version the retrain started from and the range it replayed.
     */
    private WeightSnapshot publish(String id, Long base, String replayed, Network network, RetrainPlan plan,
                                   EpochStats last, Prequential tested, Duration publishTimeout) {
        // The snapshot's metrics: the holdout's, else the test set's when that is all there is.
        Prequential m = last.heldOut() == 0 && tested != null ? tested
                : new Prequential(last.heldOut(), Math.round(last.holdoutAccuracy() * last.heldOut()),
                        last.holdoutLogLoss() * last.heldOut());
        UpdateMode mode = plan.fullBatch() ? new UpdateMode(UpdateMode.Kind.FULL_BATCH, 0, 0)
                : plan.batchSize() == 1 ? UpdateMode.stochastic() : UpdateMode.count(plan.batchSize());
        WeightSnapshot s = SnapshotMapper.snapshot(id, base == null ? 0 : base, network, mode, last.trained() * plan.epochs(), m,
                System.currentTimeMillis(), SnapshotSource.RETRAIN, base);
        return ModelRequests.publish(config, client, id, s, Map.of(REPLAYED, replayed,
                BASE_VERSION, base == null ? "none" : Long.toString(base)), publishTimeout);
    }
}
