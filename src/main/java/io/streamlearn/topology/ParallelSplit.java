package io.streamlearn.topology;

import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends a validated example of a data-parallel model to this partition's replica, and every other
 * on to its model's trainer as before (directly, or through the re-keying topic).
 */
final class ParallelSplit implements Processor<String, Object, String, Object> {
    private final StreamlearnConfig config;
    private final String toTrainer;
    private ProcessorContext<String, Object> context;

    ParallelSplit(StreamlearnConfig config, String toTrainer) {
        this.config = config;
        this.toTrainer = toTrainer;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Object> record) {
        ModelConfig m = config.model(record.key());
        context.forward(record, m != null && m.isParallel() ? Names.REPLICA : toTrainer);
    }
}
