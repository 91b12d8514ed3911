package io.streamlearn.topology;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.Example;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.model.Network;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First stop of every labeled example: decode, find its model, check it can be learned from.
 * A good example goes on keyed by model id; a bad one goes to the dead-letter topic with its
 * original bytes and the reason. Nothing a record contains can make this processor throw.
 */
final class ExampleValidator implements Processor<byte[], byte[], Object, Object> {
    private final StreamlearnConfig config;
    private final RecordLimits limits;
    private final String next;
    private final TopologyListener listener;
    private ProcessorContext<Object, Object> context;
    private Codec<Example> codec;
    private ModelResolver resolver;
    private final Map<String, Network> labelCheckers = new HashMap<>();

    ExampleValidator(StreamlearnConfig config, RecordLimits limits, String next, TopologyListener listener) {
        this.config = config;
        this.limits = limits;
        this.next = next;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.codec = Codecs.examples(config.formats().examples(), config.maxFeatures());
        this.resolver = new ModelResolver(config);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            if (record.value() == null) {
                throw new InvalidRecordException(DeadLetterReason.NULL_VALUE, "record has no value");
            }
            Example e = codec.decode(record.value());
            String model = resolver.resolve(e.model(), record.key());
            validate(e, config.model(model));
            // Training needs neither the id nor the headers. Through the repartition topic they would
            // be the one part of a valid example whose size nothing bounds: a 2 MB id would make it
            // a record Kafka refuses. What is left is bounded by the model's input size.
            Example trainable = new Example(null, e.model(), e.features(), e.label(), e.labelVector());
            context.forward(new Record<Object, Object>(model, trainable, record.timestamp()), next);
        } catch (InvalidRecordException bad) {
            deadLetter(record, bad.reason(), bad.detail());
        } catch (RuntimeException unexpected) {
            deadLetter(record, DeadLetterReason.PROCESSING_ERROR, unexpected.toString());
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        Record<byte[], byte[]> dl = DeadLetters.of(record, context, reason, detail, limits.deadLetters());
        // Counted under the reason the dead letter carries: TOO_LARGE when it had to be cut.
        listener.deadLetter(config.topics().examples(), DeadLetters.reason(dl));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Record<Object, Object> out = (Record) dl;
        context.forward(out, Names.EXAMPLES_DEAD_LETTERS);
    }

    private void validate(Example e, ModelConfig model) {
        double[] x = e.features();
        if (x.length != model.spec().inputSize()) {
            throw new InvalidRecordException(DeadLetterReason.WRONG_DIMENSION,
                    "model '" + model.id() + "' takes " + model.spec().inputSize() + " features, got " + x.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new InvalidRecordException(DeadLetterReason.NON_FINITE_VALUE, "features[" + i + "] is " + x[i]);
            }
        }
        int outputs = model.spec().outputSize();
        if (e.hasVectorLabel()) {
            double[] y = e.labelVector();
            if (y.length != outputs) {
                throw new InvalidRecordException(DeadLetterReason.LABEL_OUT_OF_RANGE,
                        "label vector has " + y.length + " values, model '" + model.id() + "' has " + outputs + " outputs");
            }
            for (int i = 0; i < y.length; i++) {
                if (!Double.isFinite(y[i])) {
                    throw new InvalidRecordException(DeadLetterReason.NON_FINITE_VALUE, "label[" + i + "] is " + y[i]);
                }
            }
            return;
        }
        double label = e.label();
        if (!Double.isFinite(label)) {
            throw new InvalidRecordException(DeadLetterReason.NON_FINITE_VALUE, "label is " + label);
        }
        Network checker = labelCheckers.computeIfAbsent(model.id(), id -> Network.initialize(model.spec()));
        if (!checker.isValidLabel(label)) {
            throw new InvalidRecordException(DeadLetterReason.LABEL_OUT_OF_RANGE,
                    "label " + label + " is not valid for model '" + model.id() + "' ("
                            + (outputs == 1 ? "expected 0 or 1" : "expected a class index 0.." + (outputs - 1)) + ")");
        }
    }
}
