package io.streamlearn.produce;

import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.codec.JsonExampleCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Rows of a JSON-lines file (or stdin): one example a line, as on the examples topic; blank lines are skipped. */
public final class JsonLinesExamples implements ExampleSource {
    /** Any length: the learner's own limit on features is checked with the rest of the configuration. */
    private final JsonExampleCodec json = new JsonExampleCodec(Integer.MAX_VALUE - 8);
    private final BufferedReader reader;
    private long line;

    public JsonLinesExamples(BufferedReader reader) {
        this.reader = reader;
    }

    @Override
    public SourceRow next() {
        String s;
        try {
            do {
                s = reader.readLine();
                if (s == null) {
                    return null;
                }
                line++;
            } while (s.isBlank());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return new SourceRow(json.decode(s.getBytes(StandardCharsets.UTF_8)), null, "line " + line);
        } catch (InvalidRecordException e) {
            throw new ProduceRefused("line " + line + ": " + e.detail());
        }
    }

    @Override
    public long size() {
        return -1;
    }

    @Override
    public String featuresFix(int wanted, int got) {
        return "give every line " + wanted + " \"features\", or name a model that takes " + got
                + " (--model, or the line's \"model\")";
    }

    @Override
    public String labelsOrigin() {
        return "the label is the line's \"label\"";
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
