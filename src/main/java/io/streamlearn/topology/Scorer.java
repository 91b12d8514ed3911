package io.streamlearn.topology;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.ModelResolver;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.Network;
import io.streamlearn.model.RecordCheck;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.snapshot.SnapshotFit;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores each event with the newest published weights of its model and writes the scored event
 * with the input's key. The weights come from the registry the global weights processor fills;
 * each task keeps its own copy of a version (prediction buffers are not shared between threads)
 * and copies again only when a newer version appears.
 */
final class Scorer implements Processor<byte[], byte[], byte[], byte[]> {
    private final StreamlearnConfig config;
    private final ModelCatalog catalog;
    private final RecordLimits limits;
    private final ModelRegistry registry;
    private final TopologyListener listener;
    private final Map<String, Scoring> byModel = new HashMap<>();
    private ProcessorContext<byte[], byte[]> context;
    private Codec<Event> events;
    private Codec<ScoredEvent> predictions;
    private Codec<WeightSnapshot> snapshots;
    private ModelResolver resolver;
    private KeyValueStore<String, byte[]> weightsStore;

    /** One model version ready to score on this thread. */
    private record Scoring(long version, Network network, double[] output) {
    }

    Scorer(StreamlearnConfig config, ModelCatalog catalog, RecordLimits limits, ModelRegistry registry,
           TopologyListener listener) {
        this.config = config;
        this.catalog = catalog;
        this.limits = limits;
        this.registry = registry;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.events = Topics.of(config).events().codec();
        this.predictions = Topics.of(config).scoredEvents().codec();
        this.snapshots = Topics.of(config).weights().codec();
        this.resolver = new ModelResolver(catalog);
        this.weightsStore = context.getStateStore(Names.WEIGHTS_GLOBAL_STORE);
        byModel.clear();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long start = System.nanoTime();
        try {
            if (record.value() == null) {
                throw new InvalidRecordException(DeadLetterReason.NULL_VALUE, "record has no value");
            }
            Event e = events.decode(record.value());
            String model = resolver.resolve(e.model(), record.key());
            if (model == null) {
                throw RecordProblems.unknownModel(resolver, e.model());
            }
            ModelConfig configured = catalog.model(model);
            if (configured == null) {
                throw RecordProblems.retired(model);
            }
            Scoring s = current(model, configured);
            double[] x = e.features();
            RecordCheck.Problem problem = RecordCheck.features(model, s.network().spec(), x);
            if (problem != null) {
                throw RecordProblems.invalid(problem);
            }
            s.network().predict(x, s.output());
            int label = s.network().predictClass(s.output());
            // The output buffer is encoded right away and never kept: no copy.
            ScoredEvent p = new ScoredEvent(e.id(), model, s.version(), s.output(), label, record.timestamp());
            byte[] scored = predictions.encode(p);
            // The scored event keeps the input's key, headers and id, none of which has a bound: a
            // valid event can make one Kafka would refuse, and one refused send stops the learner.
            long size = RecordLimits.sizeOf(record.key(), scored, record.headers());
            if (size > limits.scoredEvents()) {
                throw new InvalidRecordException(DeadLetterReason.TOO_LARGE, "its scored event would be " + size
                        + " bytes, over the " + limits.scoredEvents() + " bytes '" + config.topics().scoredEvents() + "' takes");
            }
            context.forward(record.withValue(scored), Names.SCORED_EVENTS_SINK);
            listener.scored(model, s.version(), x, label, System.nanoTime() - start);
        } catch (InvalidRecordException bad) {
            deadLetter(record, bad.reason(), bad.detail());
        } catch (RuntimeException unexpected) {
            deadLetter(record, DeadLetterReason.PROCESSING_ERROR, unexpected.toString());
        }
    }

    private Scoring current(String model, ModelConfig configured) {
        DecodedSnapshot newest = registry.get(model);
        if (newest == null) {
            newest = fromStore(model, configured);
        }
        if (newest == null) {
            throw new InvalidRecordException(DeadLetterReason.NO_WEIGHTS_YET,
                    "model '" + model + "' has not published any weights yet");
        }
        Scoring s = byModel.get(model);
        if (s == null || s.version() != newest.version()) {
            Network copy = newest.network().copy();
            s = new Scoring(newest.version(), copy, new double[copy.outputSize()]);
            byModel.put(model, s);
            listener.scoringLoaded(model, newest.version());
        }
        return s;
    }

    /**
     * After a restart the global store is restored without passing through the registry, nor
     * through the check the weights processor makes: a stored snapshot that does not fit the
     * configured model counts as no weights.
     */
    private DecodedSnapshot fromStore(String model, ModelConfig configured) {
        byte[] bytes = weightsStore.get(model);
        if (bytes == null) {
            return null;
        }
        WeightSnapshot snap = snapshots.decode(bytes);
        try {
            return registry.offer(SnapshotFit.admit(model, snap, configured));
        } catch (IllegalArgumentException unfit) {
            throw new InvalidRecordException(DeadLetterReason.NO_WEIGHTS_YET, "model '" + model
                    + "' has no usable weights: its stored snapshot version " + snap.getVersion()
                    + " was refused (" + unfit.getMessage() + ")");
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        Record<byte[], byte[]> dl = DeadLetters.of(record, context, reason, detail, limits.deadLetters());
        listener.deadLetter(config.topics().events(), DeadLetters.reason(dl));
        context.forward(dl, Names.EVENTS_DEAD_LETTERS);
    }
}
