package io.streamlearn.config;


/** Value format of each topic (dead letters keep the original bytes, whatever their format). */
public record TopicFormats(Format examples, Format events, Format scoredEvents, Format weights) {
    public static TopicFormats defaults() {
        return new TopicFormats(Format.JSON, Format.JSON, Format.JSON, Format.AVRO);
    }
}
