package io.streamlearn.broker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.Marker;

/**
 * Drops the few warnings a healthy embedded broker logs on every start and stop, so that a
 * warning in the demo or the test log means something. Only these exact messages are dropped;
 * every other warning of the same loggers still shows. Installed from {@code logback.xml} with
 * {@code <turboFilter class="io.streamlearn.broker.BrokerLogNoiseFilter"/>}.
 */
public final class BrokerLogNoiseFilter extends TurboFilter {

    private record Noise(String logger, String message) {
        boolean matches(Logger candidate, String format) {
            return candidate.getName().equals(logger) && format.contains(message);
        }
    }

    private static final List<Noise> NOISE = List.of(
            // Every start of a KRaft controller, at WARN on purpose in Kafka: not a problem for one node.
            new Noise("org.apache.kafka.controller.QuorumController", "Performing controller activation."),
            // Every stop: Kafka's broker lifecycle manager closes its controller channel twice.
            new Noise("org.apache.kafka.clients.NetworkClient",
                    "name=registration] Attempting to close NetworkClient that has already been closed."));

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || format == null) {
            return FilterReply.NEUTRAL;
        }
        for (Noise noise : NOISE) {
            if (noise.matches(logger, format)) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
