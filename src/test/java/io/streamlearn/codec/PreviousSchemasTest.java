package io.streamlearn.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.DriftPolicy;
import io.streamlearn.config.Format;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.SnapshotPolicy;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Activation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.LossKind;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import io.streamlearn.snapshot.SnapshotMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Records written before {@code updatesRefused} existed — snapshots on the weights topic in either
 * format, checkpoints in the changelog — still decode after the upgrade, with a count of 0 and
 * everything else as written.
 */
class PreviousSchemasTest {
    static {
        // asOld reads generated classes with Avro directly: the codecs, which trust our package, load first.
        AvroTrust.ourGeneratedClasses();
    }

    /** Fingerprints of the schemas release 0.1.0 wrote: the files must stay exactly those schemas. */
    private static final long SNAPSHOT_V1 = -834689860164370172L;
    private static final long CHECKPOINT_V1 = -1263543983599055195L;
    /** Before ROLLBACK was a snapshot source (2026-12-04). */
    private static final long SNAPSHOT_V2 = -6995375113837397615L;
    private static final long CHECKPOINT_V2 = 4073801592176548381L;
    /** With ROLLBACK, before scaling, schedules, the evaluation and the drift detector (v3). */
    private static final long SNAPSHOT_V3 = 5807060356584518397L;
    private static final long CHECKPOINT_V3 = 6989548757213379808L;
    /** Before models kept their own event time and windows stayed open for a grace period (checkpoint only). */
    private static final long CHECKPOINT_V4 = 1439981830661138127L;
    /** Before drift.action background kept a background learner in the checkpoint. */
    private static final long CHECKPOINT_V5 = -3702576060472504759L;

    private static Schema resource(String name) throws IOException {
        try (InputStream in = PreviousSchemasTest.class.getResourceAsStream("/schemas/previous/" + name)) {
            return new Schema.Parser().parse(in);
        }
    }

    private static OnlineLearner trained() {
        ModelSpec spec = new ModelSpec(3, List.of(new LayerSpec(4, Activation.TANH), new LayerSpec(2, Activation.SOFTMAX)),
                LossKind.CATEGORICAL_CROSS_ENTROPY, OptimizerSpec.defaults(OptimizerKind.ADAM), 1e-3, 9L);
        OnlineLearner l = OnlineLearner.fresh(new ModelConfig("m", spec, UpdateMode.count(5), SnapshotPolicy.defaults(), null, null));
        Random r = new Random(3);
        for (int i = 0; i < 23; i++) {
            l.learn(new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()}, r.nextInt(2), null, i);
        }
        return l;
    }

    /** {@code record} as the old schema has it: written with the current schema, read back with the old one. */
    private static <T extends SpecificRecord> GenericRecord asOld(T record, Schema old) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<T>(record.getSchema()).write(record, enc);
        enc.flush();
        return new GenericDatumReader<GenericRecord>(record.getSchema(), old)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    /** Single-object encoding of {@code record} with {@code schema}'s fingerprint, as the old release wrote it. */
    private static byte[] singleObject(GenericRecord record, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long fp = SchemaNormalization.parsingFingerprint64(schema);
        out.write(0xC3);
        out.write(0x01);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fp >>> (8 * i)) & 0xFF);
        }
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }

    private static byte[] json(GenericRecord record, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder enc = EncoderFactory.get().jsonEncoder(schema, out);
        new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void theKeptSchemasAreThoseTheLastReleaseWrote() throws IOException {
        assertEquals(SNAPSHOT_V1, SchemaNormalization.parsingFingerprint64(resource("WeightSnapshot.v1.avsc")));
        assertEquals(CHECKPOINT_V1, SchemaNormalization.parsingFingerprint64(resource("ModelCheckpoint.v1.avsc")));
        assertEquals(SNAPSHOT_V2, SchemaNormalization.parsingFingerprint64(resource("WeightSnapshot.v2.avsc")));
        assertEquals(CHECKPOINT_V2, SchemaNormalization.parsingFingerprint64(resource("ModelCheckpoint.v2.avsc")));
        assertEquals(SNAPSHOT_V3, SchemaNormalization.parsingFingerprint64(resource("WeightSnapshot.v3.avsc")));
        assertEquals(CHECKPOINT_V3, SchemaNormalization.parsingFingerprint64(resource("ModelCheckpoint.v3.avsc")));
        assertEquals(CHECKPOINT_V4, SchemaNormalization.parsingFingerprint64(resource("ModelCheckpoint.v4.avsc")));
        assertEquals(CHECKPOINT_V5, SchemaNormalization.parsingFingerprint64(resource("ModelCheckpoint.v5.avsc")));
        long checkpointNow = SchemaNormalization.parsingFingerprint64(ModelCheckpoint.getClassSchema());
        assertTrue(CHECKPOINT_V3 != checkpointNow && CHECKPOINT_V4 != checkpointNow && CHECKPOINT_V5 != checkpointNow,
                "the current checkpoint schema is another one");
        long now = SchemaNormalization.parsingFingerprint64(WeightSnapshot.getClassSchema());
        assertTrue(SNAPSHOT_V1 != now && SNAPSHOT_V2 != now && SNAPSHOT_V3 != now, "the current schema is another one");
    }

    @Test
    void snapshotsAndCheckpointsOfTheSecondSchemaDecode() throws IOException {
        OnlineLearner l = trained();
        for (String v : List.of("v2", "v3")) {
            WeightSnapshot snapshot = SnapshotMapper.snapshot(l, 4, 99, SnapshotSource.RETRAIN, 3L);
            Schema old = resource("WeightSnapshot." + v + ".avsc");
            WeightSnapshot decoded = Codecs.snapshots(Format.AVRO).decode(singleObject(asOld(snapshot, old), old));
            snapshot.setFigures(null); // added in v4: its default
            assertEquals(snapshot, decoded, v);
            ModelCheckpoint checkpoint = SnapshotMapper.checkpoint(l);
            Schema oldCheckpoint = resource("ModelCheckpoint." + v + ".avsc");
            ModelCheckpoint decodedCheckpoint = Codecs.checkpoints().decode(singleObject(asOld(checkpoint, oldCheckpoint),
                    oldCheckpoint));
            checkpoint.getSnapshot().setFigures(null);
            checkpoint.setEvaluation(null);
            checkpoint.setDrift(null);
            checkpoint.setEventTime(null);
            checkpoint.setOpenWindows(List.of());
            assertEquals(checkpoint, decodedCheckpoint, v);
        }
    }

    @Test
    void theV2SchemasAreKeptAndAV2CheckpointRestoresWithAFreshEvaluation() throws IOException {
        assertEquals(SNAPSHOT_V2, SchemaNormalization.parsingFingerprint64(resource("WeightSnapshot.v2.avsc")));
        assertEquals(CHECKPOINT_V2, SchemaNormalization.parsingFingerprint64(resource("ModelCheckpoint.v2.avsc")));
        Schema old = resource("ModelCheckpoint.v2.avsc");
        OnlineLearner l = trained();
        ModelCheckpoint current = SnapshotMapper.checkpoint(l);
        ModelCheckpoint decoded = Codecs.checkpoints().decode(singleObject(asOld(current, old), old));
        assertEquals(null, decoded.getEvaluation());
        assertEquals("none", decoded.getSnapshot().getSpec().getScaling());
        assertEquals("constant", decoded.getSnapshot().getSpec().getOptimizer().getSchedule());
        OnlineLearner restored = SnapshotMapper.learner(decoded, l.config());
        assertEquals(0, restored.evaluation().examples(), "figures start afresh");
        assertArrayEquals(l.network().weights(0), restored.network().weights(0), 0.0);
    }

    @Test
    void anOldSnapshotDecodesInBothFormatsWithNoRefusals() throws IOException {
        Schema old = resource("WeightSnapshot.v1.avsc");
        OnlineLearner l = trained();
        WeightSnapshot current = SnapshotMapper.snapshot(l, 4, 99, SnapshotSource.LIVE, 3L);
        GenericRecord written = asOld(current, old);
        assertEquals(null, old.getField("updatesRefused"));

        byte[] jsonBytes = json(written, old);
        assertTrue(!new String(jsonBytes, java.nio.charset.StandardCharsets.UTF_8).contains("updatesRefused"));
        current.setFigures(null); // added later still (v2): its default
        for (var decoded : List.of(Codecs.snapshots(Format.AVRO).decode(singleObject(written, old)),
                Codecs.snapshots(Format.JSON).decode(jsonBytes))) {
            assertEquals(0, decoded.getUpdatesRefused());
            assertEquals(current, decoded, "everything else as written");
        }
    }

    @Test
    void anOldCheckpointRestoresTheLearner() throws IOException {
        Schema old = resource("ModelCheckpoint.v1.avsc");
        OnlineLearner l = trained();
        ModelCheckpoint current = SnapshotMapper.checkpoint(l);
        ModelCheckpoint decoded = Codecs.checkpoints().decode(singleObject(asOld(current, old), old));
        // the fields added since (v2) take their defaults
        current.getSnapshot().setFigures(null);
        current.setEvaluation(null);
        current.setDrift(null);
        current.setEventTime(null);
        current.setOpenWindows(List.of());
        assertEquals(current, decoded);
        OnlineLearner restored = SnapshotMapper.learner(decoded, l.config());
        assertEquals(0, restored.updatesRefused());
        assertEquals(l.network().pendingCount(), restored.network().pendingCount());
        assertEquals(l.network().updatesApplied(), restored.network().updatesApplied());
    }

    /**
     * A window-mode checkpoint written before models kept their own event time (v4) restores with
     * the open window's start as the model's clock, its open window intact, and goes on as the
     * learner it was written from.
     */
    @Test
    void aV4WindowCheckpointRestoresWithTheOpenWindowAsItsClock() throws IOException {
        Schema old = resource("ModelCheckpoint.v4.avsc");
        ModelSpec spec = new ModelSpec(3, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY,
                OptimizerSpec.defaults(OptimizerKind.ADAM), 0, 9L);
        OnlineLearner l = OnlineLearner.fresh(new ModelConfig("m", spec, UpdateMode.window(100), SnapshotPolicy.defaults(), null, null));
        Random r = new Random(5);
        for (int i = 0; i < 250; i++) {
            l.learn(new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()}, r.nextInt(2), null, 1_000 + 3 * i);
        }
        ModelCheckpoint decoded = Codecs.checkpoints().decode(singleObject(asOld(SnapshotMapper.checkpoint(l), old), old));
        assertEquals(null, decoded.getEventTime());
        assertEquals(List.of(), decoded.getOpenWindows());
        OnlineLearner restored = SnapshotMapper.learner(decoded, l.config());
        assertEquals(l.windowStart(), restored.eventTime(), "the open window's start");
        assertEquals(l.network().pendingCount(), restored.network().pendingCount());
        for (int i = 250; i < 400; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            int y = r.nextInt(2);
            l.learn(x, y, null, 1_000 + 3 * i);
            restored.learn(x, y, null, 1_000 + 3 * i);
        }
        assertArrayEquals(l.network().weights(0), restored.network().weights(0), 0.0);
        assertEquals(l.network().updatesApplied(), restored.network().updatesApplied());
    }

    /**
     * A checkpoint written before background learners (v5), of a model now declared with
     * {@code drift.action: background}, restores with none training and goes on as the learner it
     * was written from until a warning starts one.
     */
    @Test
    void aV5CheckpointRestoresWithNoBackgroundLearner() throws IOException {
        Schema old = resource("ModelCheckpoint.v5.avsc");
        OnlineLearner l = trained();
        ModelCheckpoint current = SnapshotMapper.checkpoint(l);
        ModelCheckpoint decoded = Codecs.checkpoints().decode(singleObject(asOld(current, old), old));
        assertEquals(null, decoded.getBackground());
        assertEquals(current, decoded, "everything else as written");
        ModelConfig background = new ModelConfig("m", l.config().spec(), l.config().update(), l.config().snapshot(), null, null,
                new DriftPolicy(DriftPolicy.Action.BACKGROUND));
        OnlineLearner restored = SnapshotMapper.learner(decoded, background);
        assertEquals(null, restored.background());
        assertArrayEquals(l.network().weights(0), restored.network().weights(0), 0.0);
        assertEquals(l.network().pendingCount(), restored.network().pendingCount());
    }
}
