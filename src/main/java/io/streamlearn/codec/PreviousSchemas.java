package io.streamlearn.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Earlier versions of our record schemas, which records already on a topic or in a changelog
 * were written with: a reader resolves them to the current schema, each field added since taking
 * its default. The single-object header names the writer's schema by fingerprint, so without
 * them an upgraded learner would refuse its own checkpoints and the published snapshots.
 *
 * <p>Each file is the full schema as the release before the change generated it (every named
 * type inlined), kept under {@code src/main/resources/schemas/previous/}. When a field is added
 * to a schema, the schema as it was goes there and into this list.
 */
final class PreviousSchemas {
    private static final Map<String, List<String>> FILES = Map.of(
            "WeightSnapshot", List.of("WeightSnapshot.v3.avsc", "WeightSnapshot.v2.avsc", "WeightSnapshot.v1.avsc"),
            "ModelCheckpoint", List.of("ModelCheckpoint.v5.avsc", "ModelCheckpoint.v4.avsc", "ModelCheckpoint.v3.avsc", "ModelCheckpoint.v2.avsc", "ModelCheckpoint.v1.avsc"));

    private PreviousSchemas() {
    }

    /** The earlier versions of {@code current}, newest first; none for a schema that never changed. */
    static List<Schema> of(Schema current) {
        List<Schema> out = new ArrayList<>();
        for (String file : FILES.getOrDefault(current.getName(), List.of())) {
            String path = "/schemas/previous/" + file;
            try (InputStream in = PreviousSchemas.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + path);
                }
                out.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
