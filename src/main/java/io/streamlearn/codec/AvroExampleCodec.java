package io.streamlearn.codec;

import io.streamlearn.avro.LabeledExample;
import java.util.List;

/** Labeled examples as Avro single-object encoded {@link LabeledExample}. */
public final class AvroExampleCodec implements Codec<Example> {
    private final AvroSingleObject<LabeledExample> avro = AvroSingleObject.of(LabeledExample.getClassSchema());
    private final int maxFeatures;
    private LabeledExample reuse;

    public AvroExampleCodec(int maxFeatures) {
        this.maxFeatures = maxFeatures;
    }

    @Override
    public Example decode(byte[] bytes) {
        reuse = avro.decode(bytes, reuse);
        double[] x = AvroLists.features(reuse.getFeatures(), maxFeatures);
        Object label = reuse.getLabel();
        if (label == null) {
            throw new InvalidRecordException(DeadLetterReason.MISSING_FIELD, "missing field 'label'");
        }
        String id = reuse.getId();
        String model = reuse.getModel();
        if (label instanceof Double d) {
            return new Example(id, model, x, d, null);
        }
        @SuppressWarnings("unchecked")
        List<Double> vector = (List<Double>) label;
        return new Example(id, model, x, Double.NaN, AvroLists.toArray(vector));
    }

    @Override
    public byte[] encode(Example e) {
        Object label = e.hasVectorLabel() ? AvroLists.view(e.labelVector()) : (Object) e.label();
        return avro.encode(new LabeledExample(e.id(), e.model(), AvroLists.view(e.features()), label));
    }
}
