package io.streamlearn.codec;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.Format;

/** The codec for each kind of record in each format. Each call returns a new, thread-confined instance. */
public final class Codecs {
    private Codecs() {
    }

    public static Codec<LabeledExample> examples(Format format, int maxFeatures) {
        return format == Format.AVRO ? new AvroExampleCodec(maxFeatures) : new JsonExampleCodec(maxFeatures);
    }

    public static Codec<Event> events(Format format, int maxFeatures) {
        return format == Format.AVRO ? new AvroEventCodec(maxFeatures) : new JsonEventCodec(maxFeatures);
    }

    public static Codec<ScoredEvent> predictions(Format format) {
        return format == Format.AVRO ? new AvroPredictionCodec() : new JsonPredictionCodec();
    }

    /** Weight snapshots: Avro single-object, or Avro's JSON encoding of the same schema. */
    public static Codec<WeightSnapshot> snapshots(Format format) {
        if (format == Format.AVRO) {
            AvroSingleObject<WeightSnapshot> avro = AvroSingleObject.of(WeightSnapshot.getClassSchema());
            return new Codec<>() {
                @Override
                public WeightSnapshot decode(byte[] bytes) {
                    return avro.decode(bytes, null);
                }

                @Override
                public byte[] encode(WeightSnapshot value) {
                    return avro.encode(value);
                }
            };
        }
        AvroJson<WeightSnapshot> json = new AvroJson<>(WeightSnapshot.getClassSchema());
        return new Codec<>() {
            @Override
            public WeightSnapshot decode(byte[] bytes) {
                return json.decode(bytes);
            }

            @Override
            public byte[] encode(WeightSnapshot value) {
                return json.encode(value);
            }
        };
    }

    /** The trainer's state-store values: always Avro single-object (internal, never read by users). */
    public static Codec<ModelCheckpoint> checkpoints() {
        AvroSingleObject<ModelCheckpoint> avro = AvroSingleObject.of(ModelCheckpoint.getClassSchema());
        return new Codec<>() {
            @Override
            public ModelCheckpoint decode(byte[] bytes) {
                return avro.decode(bytes, null);
            }

            @Override
            public byte[] encode(ModelCheckpoint value) {
                return avro.encode(value);
            }
        };
    }
}
