package io.streamlearn.codec;

/** Events to score as Avro single-object encoded {@link io.streamlearn.avro.Event}. */
public final class AvroEventCodec implements Codec<Event> {
    private final AvroSingleObject<io.streamlearn.avro.Event> avro = AvroSingleObject.of(io.streamlearn.avro.Event.getClassSchema());
    private final AvroFastPath fast = new AvroFastPath(avro.header());
    private final int maxFeatures;
    private io.streamlearn.avro.Event reuse;

    public AvroEventCodec(int maxFeatures) {
        this.maxFeatures = maxFeatures;
    }

    @Override
    public Event decode(byte[] bytes) {
        Event common = fast.event(bytes, maxFeatures);
        return common != null ? common : decodeWithAvro(bytes);
    }

    /** Every record the fast path leaves: other schema versions, corrupt ones, non-ASCII strings, too many features. */
    Event decodeWithAvro(byte[] bytes) {
        reuse = avro.decode(bytes, reuse);
        double[] x = AvroLists.features(reuse.getFeatures(), maxFeatures);
        return new Event(reuse.getId(), reuse.getModel(), x);
    }

    @Override
    public byte[] encode(Event e) {
        return avro.encode(new io.streamlearn.avro.Event(e.id(), e.model(), AvroLists.view(e.features())));
    }
}
