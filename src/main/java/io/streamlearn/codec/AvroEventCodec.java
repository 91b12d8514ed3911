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
        double[] x = AvroLists.features(reuse.getFeatures(), maxFeatures);
        return new UnlabeledEvent(reuse.getId(), reuse.getModel(), x);
    }

    @Override
    public byte[] encode(UnlabeledEvent e) {
        return avro.encode(new Event(e.id(), e.model(), AvroLists.view(e.features())));
    }
}
