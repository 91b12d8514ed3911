package io.streamlearn.bench;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.Format;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scoring path's serde work per record, the part a pass-through skips: decoding an event
 * (d = 10 Gaussian features, as {@code streamlearn bench} produces) and encoding its prediction.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    @Param({"JSON", "AVRO"})
    String format;

    private Codec<Event> events;
    private Codec<ScoredEvent> predictions;
    private byte[] event;
    private ScoredEvent prediction;

    @Setup
    public void setUp() {
        Format f = Format.valueOf(format);
        events = Codecs.events(f, 10);
        predictions = Codecs.predictions(f);
        Random r = new Random(1);
        double[] x = new double[10];
        for (int j = 0; j < x.length; j++) {
            x[j] = r.nextGaussian();
        }
        event = events.encode(new Event("e123456", null, x));
        prediction = new ScoredEvent("e123456", "default", 42, new double[] {r.nextDouble()}, 1, 1764300000000L);
    }

    @Benchmark
    public Event decodeEvent() {
        return events.decode(event);
    }

    @Benchmark
    public byte[] encodePrediction() {
        return predictions.encode(prediction);
    }
}
