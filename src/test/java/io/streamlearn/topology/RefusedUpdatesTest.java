package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.learn.OnlineLearner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The WARN about refused updates: at most once a minute per model, by a clock the test moves by
 * hand; every refusal still reaches the listener.
 */
class RefusedUpdatesTest {
    private static final long SECOND = 1_000_000_000L;

    /** Starts near the top of the long range, so the minute is measured across nanoTime's wrap. */
    private long now = Long.MAX_VALUE - 30 * SECOND;
    private final Logger logger = (Logger) LoggerFactory.getLogger(RefusedUpdates.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void listen() {
        appender.start();
        logger.addAppender(appender);
        levelBefore = logger.getLevel();
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }

    @Test
    void theLimiterLetsOneWarningPerKeyThroughPerInterval() {
        WarnLimiter limiter = new WarnLimiter(Duration.ofMinutes(1), () -> now);
        assertTrue(limiter.allow("a"), "the first one");
        assertFalse(limiter.allow("a"), "at once again");
        assertTrue(limiter.allow("b"), "another key has its own minute");
        now += 59 * SECOND;
        assertFalse(limiter.allow("a"), "59 s later");
        now += SECOND - 1;
        assertFalse(limiter.allow("a"), "1 ns short of a minute");
        now += 1;
        assertTrue(limiter.allow("a"), "a minute later (the clock wrapped on the way)");
        assertFalse(limiter.allow("a"));
        now += 10 * 60 * SECOND;
        assertTrue(limiter.allow("a"), "after a long quiet spell");
        assertTrue(limiter.allow("b"));
        assertThrows(IllegalArgumentException.class, () -> new WarnLimiter(Duration.ZERO, () -> now));
    }

    /** Feeds one example whose gradient overflows and reports it as the trainer does. */
    private static void refuseOne(OnlineLearner learner, RefusedUpdates refused) {
        long before = learner.updatesRefused();
        learner.learn(new double[] {1e200, 1e200}, 1, null, 0);
        refused.report(learner, before);
    }

    @Test
    void warnsAtMostOnceAMinutePerModelAndReportsEveryRefusal() {
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                defaultModel: x
                models:
                  - {id: x, inputSize: 2, layers: [{units: 1, activation: linear}], loss: squared_error,
                     optimizer: {kind: sgd, learningRate: 1}, scaling: none}
                  - {id: y, inputSize: 2, layers: [{units: 1, activation: linear}], loss: squared_error,
                     optimizer: {kind: adam, learningRate: 1}, scaling: none}
                """, Map.of());
        List<String> reported = new ArrayList<>();
        RefusedUpdates refused = new RefusedUpdates(new TopologyListener() {
            @Override
            public void updatesRefused(String model, int count, long soFar) {
                reported.add(model + ":" + count + ":" + soFar);
            }
        }, () -> now);
        OnlineLearner x = OnlineLearner.fresh(config.model("x"));
        OnlineLearner y = OnlineLearner.fresh(config.model("y"));

        refuseOne(x, refused);
        refuseOne(x, refused);
        now += 30 * SECOND;
        refuseOne(x, refused);
        refuseOne(y, refused);
        long learnedBefore = x.network().updatesApplied();
        x.learn(new double[] {0.1, 0.2}, 1, null, 0);
        refused.report(x, x.updatesRefused()); // a finite update: nothing to report
        assertEquals(learnedBefore + 1, x.network().updatesApplied());
        now += 30 * SECOND;
        refuseOne(x, refused);

        assertEquals(List.of("x:1:1", "x:1:2", "x:1:3", "y:1:1", "x:1:4"), reported, "every refusal, with the total");
        List<String> warnings = messages(Level.WARN);
        assertEquals(List.of(
                "model 'x': refused a non-finite update (1 refused so far); the previous weights stay. Lower the learning"
                        + " rate or scale the features. (Logged at most once a minute per model; see the metric"
                        + " streamlearn.updates.refused.)",
                "model 'y': refused a non-finite update (1 refused so far); the previous weights stay. Lower the learning"
                        + " rate or scale the features. (Logged at most once a minute per model; see the metric"
                        + " streamlearn.updates.refused.)",
                "model 'x': refused a non-finite update (4 refused so far); the previous weights stay. Lower the learning"
                        + " rate or scale the features. (Logged at most once a minute per model; see the metric"
                        + " streamlearn.updates.refused.)"), warnings, "x at 0 s and 60 s, y once");
        assertEquals(List.of("model 'x': refused a non-finite update (2 refused so far)",
                "model 'x': refused a non-finite update (3 refused so far)"), messages(Level.DEBUG), "the rest at DEBUG");
    }

    private List<String> messages(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
