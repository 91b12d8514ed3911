package io.streamlearn.codec;

/** Events to score as Avro single-object encoded {@link io.streamlearn.avro.Event}. */
public final class AvroEventCodec implements Codec<Event> {
    private final AvroSingleObject<io.streamlearn.avro.Event> avro = AvroSingleObject.of(io.streamlearn.avro.Event.getClassSchema());
    private final int maxFeatures;
    private io.streamlearn.avro.Event reuse;

    public AvroEventCodec(int maxFeatures) {
        this.maxFeatures = maxFeatures;
    }

    @Override
    public Event decode(byte[] bytes) {
        reuse = avro.decode(bytes, reuse);
        double[] x = AvroLists.features(reuse.getFeatures(), maxFeatures);
        return new Event(reuse.getId(), reuse.getModel(), x);
    }

    @Override
    public byte[] encode(Event e) {
        return avro.encode(new io.streamlearn.avro.Event(e.id(), e.model(), AvroLists.view(e.features())));
    }
}
