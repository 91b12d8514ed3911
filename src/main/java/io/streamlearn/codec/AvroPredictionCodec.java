package io.streamlearn.codec;

import io.streamlearn.avro.ScoredEvent;

/** Scored events as Avro single-object encoded {@link ScoredEvent}. */
public final class AvroPredictionCodec implements Codec<Prediction> {
    private final AvroSingleObject<ScoredEvent> avro = AvroSingleObject.of(ScoredEvent.getClassSchema());

    @Override
    public Prediction decode(byte[] bytes) {
        ScoredEvent s = avro.decode(bytes, null);
        return new Prediction(s.getId(), s.getModel(), s.getVersion(), AvroLists.toArray(s.getOutput()),
                s.getLabel(), s.getTimestamp());
    }

    @Override
    public byte[] encode(Prediction p) {
        return avro.encode(new ScoredEvent(p.id(), p.model(), p.version(), AvroLists.view(p.output()),
                p.label(), p.timestamp()));
    }
}
