package io.streamlearn.kafka;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.DriftRecord;
import io.streamlearn.codec.JsonDriftCodec;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.StreamlearnConfig;

/**
 * The application's topics, each with the codec of its format. Dead letters have no codec: they
 * carry the original bytes of any topic, with the reason in headers.
 */
public record Topics(Topic<LabeledExample> examples, Topic<Event> events, Topic<ScoredEvent> scoredEvents,
                     Topic<WeightSnapshot> weights, String deadLetters, Topic<WeightSnapshot> requests,
                     Topic<WeightSnapshot> weightsHistory, Topic<DriftRecord> drift) {

    public static Topics of(StreamlearnConfig config) {
        var names = config.topics();
        var formats = config.formats();
        int maxFeatures = config.maxFeatures();
        return new Topics(
                new Topic<>(names.examples(), () -> Codecs.examples(formats.examples(), maxFeatures)),
                new Topic<>(names.events(), () -> Codecs.events(formats.events(), maxFeatures)),
                new Topic<>(names.scoredEvents(), () -> Codecs.predictions(formats.scoredEvents())),
                new Topic<>(names.weights(), () -> Codecs.snapshots(formats.weights())),
                names.deadLetters(),
                // A request is the snapshot to publish, in the weights topic's format.
                new Topic<>(names.requests(), () -> Codecs.snapshots(formats.weights())),
                new Topic<>(names.weightsHistory(), () -> Codecs.snapshots(formats.weights())),
                new Topic<>(names.drift(), JsonDriftCodec::new));
    }
}
