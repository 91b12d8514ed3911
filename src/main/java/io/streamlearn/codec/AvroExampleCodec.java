package io.streamlearn.codec;

import io.streamlearn.model.Label;
import java.util.List;

/** Labeled examples as Avro single-object encoded {@link io.streamlearn.avro.LabeledExample}. */
public final class AvroExampleCodec implements Codec<LabeledExample> {
    private final AvroSingleObject<io.streamlearn.avro.LabeledExample> avro = AvroSingleObject.of(io.streamlearn.avro.LabeledExample.getClassSchema());
    private final AvroFastPath fast = new AvroFastPath(avro.header());
    private final int maxFeatures;
    private io.streamlearn.avro.LabeledExample reuse;

    public AvroExampleCodec(int maxFeatures) {
        this.maxFeatures = maxFeatures;
    }

    @Override
    public LabeledExample decode(byte[] bytes) {
        LabeledExample common = fast.example(bytes, maxFeatures);
        return common != null ? common : decodeWithAvro(bytes);
    }

    /** Every record the fast path leaves: other schema versions, corrupt ones, non-ASCII strings, too many features. */
    LabeledExample decodeWithAvro(byte[] bytes) {
        reuse = avro.decode(bytes, reuse);
        double[] x = AvroLists.features(reuse.getFeatures(), maxFeatures);
        Object label = reuse.getLabel();
        if (label == null) {
            throw new InvalidRecordException(DeadLetterReason.MISSING_FIELD, "missing field 'label'");
        }
        String id = reuse.getId();
        String model = reuse.getModel();
        if (label instanceof Double d) {
            return LabeledExample.of(id, model, x, d);
        }
        @SuppressWarnings("unchecked")
        List<Double> vector = (List<Double>) label;
        return LabeledExample.of(id, model, x, AvroLists.toArray(vector));
    }

    @Override
    public byte[] encode(LabeledExample e) {
        Object label = e.label() instanceof Label.Vector v
                ? AvroLists.view(v.target()) : (Object) ((Label.Scalar) e.label()).value();
        return avro.encode(new io.streamlearn.avro.LabeledExample(e.id(), e.model(), AvroLists.view(e.features()), label));
    }
}
