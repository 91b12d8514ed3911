package io.streamlearn.topology;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.ModelResolver;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.RecordCheck;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First stop of every labeled example: decode, find its model, check it can be learned from, and
 * that it is not stamped further ahead of the wall clock than its model tolerates (such a record
 * would move the model's event time past the records that follow). A good example goes on keyed
 * by model id, with its original record ({@link Originals}) for a dead letter the trainer may
 * still make; a bad one goes to the dead-letter topic with its original bytes and the reason.
 * Nothing a record contains can make this processor throw.
 *
 * <p>The wall clock is Kafka Streams' ({@link ProcessorContext#currentSystemTimeMs}), which a
 * TopologyTestDriver sets: this check is the one place a record's fate depends on it.
 */
final class ExampleValidator implements Processor<byte[], byte[], Object, Object> {
    private final StreamlearnConfig config;
    private final ModelCatalog catalog;
    private final RecordLimits limits;
    private final String next;
    /** Whether the trainer is the next node, in this task: the original record then goes to it in memory. */
    private final boolean trainerIsNext;
    private final TopologyListener listener;
    private ProcessorContext<Object, Object> context;
    private Codec<LabeledExample> codec;
    private ModelResolver resolver;

    ExampleValidator(StreamlearnConfig config, ModelCatalog catalog, RecordLimits limits, String next,
                     TopologyListener listener) {
        this.config = config;
        this.catalog = catalog;
        this.limits = limits;
        this.next = next;
        this.trainerIsNext = next.equals(Names.TRAIN);
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.codec = Topics.of(config).examples().codec();
        this.resolver = new ModelResolver(catalog);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            if (record.value() == null) {
                throw new InvalidRecordException(DeadLetterReason.NULL_VALUE, "record has no value");
            }
            LabeledExample e = codec.decode(record.value());
            String model = resolver.resolve(e.model(), record.key());
            if (model == null) {
                throw RecordProblems.unknownModel(resolver, e.model());
            }
            ModelConfig mc = catalog.model(model);
            if (mc == null) {
                throw RecordProblems.retired(model);
            }
            validate(e, mc);
            long now = context.currentSystemTimeMs();
            if (mc.eventTime().isFuture(record.timestamp(), now)) {
                future(record, mc, now);
                return;
            }
            // Training needs neither the id nor the headers. Through the repartition topic they would
            // be the one part of a valid example whose size nothing bounds: a 2 MB id would make it
            // a record Kafka refuses. What is left is bounded by the model's input size; the original
            // record goes beside it, bounded too.
            LabeledExample trainable = new LabeledExample(null, e.model(), e.features(), e.label());
            if (trainerIsNext) {
                context.forward(new Record<Object, Object>(model, new Originals.Validated(trainable, record),
                        record.timestamp()), next);
            } else {
                Record<Object, Object> rekeyed = new Record<>(model, trainable, record.timestamp());
                Originals.attach(rekeyed.headers(), record, context.recordMetadata().orElse(null));
                context.forward(rekeyed, next);
            }
        } catch (InvalidRecordException bad) {
            deadLetter(record, bad.reason(), bad.detail());
        } catch (RuntimeException unexpected) {
            deadLetter(record, DeadLetterReason.PROCESSING_ERROR, unexpected.toString());
        }
    }

    private void future(Record<byte[], byte[]> record, ModelConfig model, long now) {
        String detail = "timestamp " + record.timestamp() + " is " + (record.timestamp() - now)
                + " ms ahead of the learner's clock (" + now + "); model '" + model.id() + "' takes at most "
                + model.eventTime().maxFutureMs() + " ms (maxFutureMs)";
        send(DeadLetters.future(record, context.recordMetadata().orElse(null), now, detail, limits.deadLetters()));
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        send(DeadLetters.of(record, context, reason, detail, limits.deadLetters()));
    }

    private void send(Record<byte[], byte[]> dl) {
        // Counted under the reason the dead letter carries: TOO_LARGE when it had to be cut.
        listener.deadLetter(config.topics().examples(), DeadLetters.reason(dl));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Record<Object, Object> out = (Record) dl;
        context.forward(out, Names.EXAMPLES_DEAD_LETTERS);
    }

    private static void validate(LabeledExample e, ModelConfig model) {
        RecordCheck.Problem p = RecordCheck.example(model.id(), model.spec(), e.features(), e.label());
        if (p != null) {
            throw RecordProblems.invalid(p);
        }
    }
}
