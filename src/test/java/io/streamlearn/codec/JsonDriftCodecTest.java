package io.streamlearn.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonDriftCodecTest {
    private final JsonDriftCodec codec = new JsonDriftCodec();

    @Test
    void aDriftRecordRoundTripsAndReadsAsPlainJson() {
        DriftRecord d = new DriftRecord("m", 7, 3040, 0.026, 0.640625, "reset", 1_700_000_003_040L);
        byte[] bytes = codec.encode(d);
        assertEquals("{\"model\":\"m\",\"version\":7,\"examplesSeen\":3040,\"errorBefore\":0.026,\"errorAfter\":0.640625,"
                + "\"action\":\"reset\",\"timestamp\":1700000003040}", new String(bytes, StandardCharsets.UTF_8));
        assertEquals(d, codec.decode(bytes));
    }

    @Test
    void anErrorNotMeasuredIsNull() {
        DriftRecord d = new DriftRecord("m", 1, 10, Double.NaN, 0.5, "report", 0);
        String json = new String(codec.encode(d), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"errorBefore\":null"), json);
        assertTrue(Double.isNaN(codec.decode(json.getBytes(StandardCharsets.UTF_8)).errorBefore()));
    }

    @Test
    void whatIsNotADriftRecordIsRefusedWithAReason() {
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> codec.decode("[1]".getBytes(StandardCharsets.UTF_8)));
        assertEquals(DeadLetterReason.UNDECODABLE, e.reason());
        assertThrows(InvalidRecordException.class, () -> codec.decode("{".getBytes(StandardCharsets.UTF_8)));
    }
}
