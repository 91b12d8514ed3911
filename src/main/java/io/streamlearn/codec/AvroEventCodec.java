package io.streamlearn.codec;

import io.streamlearn.avro.Event;
import java.util.List;

/** Events to score as Avro single-object encoded {@link Event}. */
public final class AvroEventCodec implements Codec<UnlabeledEvent> {
    private final AvroSingleObject<Event> avro = AvroSingleObject.of(Event.getClassSchema());
    private final int maxFeatures;
    private Event reuse;

    public AvroEventCodec(int maxFeatures) {
        this.maxFeatures = maxFeatures;
    }

    @Override
    public UnlabeledEvent decode(byte[] bytes) {
        reuse = avro.decode(bytes, reuse);
        List<Double> features = reuse.getFeatures();
        if (features == null) {
            throw new InvalidRecordException(DeadLetterReason.MISSING_FIELD, "missing field 'features'");
        }
        if (features.size() > maxFeatures) {
            throw new InvalidRecordException(DeadLetterReason.TOO_MANY_FEATURES,
                    "'features' has " + features.size() + " values, more than the limit of " + maxFeatures);
        }
        return new UnlabeledEvent(reuse.getId(), reuse.getModel(), AvroLists.toArray(features));
    }

    @Override
    public byte[] encode(UnlabeledEvent e) {
        return avro.encode(new Event(e.id(), e.model(), AvroLists.view(e.features())));
    }
}
