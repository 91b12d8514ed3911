package io.streamlearn.topology;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.SnapshotFit;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First stop of a model request: the key must name an active model of the catalogue and the value be a snapshot
 * that fits it. A good request goes on to the trainer, which owns the model's versions; a bad one
 * goes to the dead-letter topic with its original bytes and the reason.
 */
final class RequestValidator implements Processor<byte[], byte[], Object, Object> {
    private final StreamlearnConfig config;
    private final ModelCatalog catalog;
    private final RecordLimits limits;
    private final TopologyListener listener;
    private ProcessorContext<Object, Object> context;
    private Codec<WeightSnapshot> codec;

    RequestValidator(StreamlearnConfig config, ModelCatalog catalog, RecordLimits limits, TopologyListener listener) {
        this.config = config;
        this.catalog = catalog;
        this.limits = limits;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.codec = Topics.of(config).requests().codec();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            if (record.value() == null) {
                throw new InvalidRecordException(DeadLetterReason.NULL_VALUE, "record has no value");
            }
            if (record.key() == null) {
                throw new InvalidRecordException(DeadLetterReason.UNKNOWN_MODEL, "a request is keyed by its model id");
            }
            String model = new String(record.key(), StandardCharsets.UTF_8);
            ModelConfig configured = catalog.model(model);
            if (configured == null) {
                throw catalog.retired(model) != null ? RecordProblems.retired(model)
                        : new InvalidRecordException(DeadLetterReason.UNKNOWN_MODEL, "model '" + model + "' is not declared");
            }
            WeightSnapshot snapshot = codec.decode(record.value());
            DecodedSnapshot decoded;
            try {
                decoded = SnapshotFit.admit(model, snapshot, configured);
            } catch (IllegalArgumentException unfit) {
                throw new InvalidRecordException(DeadLetterReason.WRONG_DIMENSION,
                        "the requested weights do not fit model '" + model + "': " + unfit.getMessage());
            }
            context.forward(new Record<Object, Object>(model, new ModelRequest(decoded, record.headers()),
                    record.timestamp()), Names.TRAIN);
        } catch (InvalidRecordException bad) {
            deadLetter(record, bad.reason(), bad.detail());
        } catch (RuntimeException unexpected) {
            deadLetter(record, DeadLetterReason.PROCESSING_ERROR, unexpected.toString());
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        Record<byte[], byte[]> dl = DeadLetters.of(record, context, reason, detail, limits.deadLetters());
        listener.deadLetter(config.topics().requests(), DeadLetters.reason(dl));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Record<Object, Object> out = (Record) dl;
        context.forward(out, Names.REQUESTS_DEAD_LETTERS);
    }
}
