package io.streamlearn.codec;


/** Scored events as Avro single-object encoded {@link io.streamlearn.avro.ScoredEvent}. */
public final class AvroPredictionCodec implements Codec<ScoredEvent> {
    private final AvroSingleObject<io.streamlearn.avro.ScoredEvent> avro = AvroSingleObject.of(io.streamlearn.avro.ScoredEvent.getClassSchema());
    private final AvroFastPath fast = new AvroFastPath(avro.header());

    @Override
    public ScoredEvent decode(byte[] bytes) {
        io.streamlearn.avro.ScoredEvent s = avro.decode(bytes, null);
        return new ScoredEvent(s.getId(), s.getModel(), s.getVersion(), AvroLists.toArray(s.getOutput()),
                s.getLabel(), s.getTimestamp());
    }

    @Override
    public byte[] encode(ScoredEvent p) {
        byte[] common = fast.scored(p);
        return common != null ? common : encodeWithAvro(p);
    }

    /** Every scored event the fast path leaves: non-ASCII strings, missing fields. */
    byte[] encodeWithAvro(ScoredEvent p) {
        return avro.encode(new io.streamlearn.avro.ScoredEvent(p.id(), p.model(), p.version(), AvroLists.view(p.output()),
                p.label(), p.timestamp()));
    }
}
