package io.streamlearn.testing;

import io.streamlearn.broker.EmbeddedKafkaBroker;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives integration tests a running Kafka cluster: one per test run, shared by every test class,
 * because starting a broker costs seconds and tests keep apart by using their own topics
 * ({@link KafkaCluster#createTopic}).
 *
 * <p>The cluster is a Testcontainers Kafka ({@link KafkaContainers#IMAGE}) when a Docker engine is
 * reachable, else the in-process {@link EmbeddedKafkaBroker}; so the tests run on a laptop, in CI
 * and on a machine without Docker alike. The system property {@value #KIND_PROPERTY} (values
 * {@value KafkaCluster#EMBEDDED} or {@value KafkaCluster#TESTCONTAINERS}) overrides the choice,
 * e.g. to use the faster embedded broker although Docker is there. The cluster lives in the root
 * {@link ExtensionContext.Store}, which JUnit closes when the run ends.
 *
 * <p>Register it with {@link WithKafka @WithKafka} (or {@code @ExtendWith(KafkaBroker.class)}) and
 * declare a {@link KafkaCluster} parameter wherever JUnit injects parameters:
 *
 * <pre>{@code
 * @WithKafka
 * class ScoringIT {
 *     @Test
 *     void scores(KafkaCluster kafka) {
 *         String topic = kafka.createTopic("events", 3);
 *         ... kafka.bootstrapServers() ...
 *     }
 * }
 * }</pre>
 */
public final class KafkaBroker implements ParameterResolver {

    /** Forces the kind of cluster instead of asking Docker. */
    public static final String KIND_PROPERTY = "streamlearn.it.kafka";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBroker.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public KafkaCluster resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedCluster.class, key -> startShared(), SharedCluster.class)
                .cluster();
    }

    /** The kind of cluster this run uses: the property if set, else whether Docker answers. */
    static String chosenKind() {
        return chooseKind(System.getProperty(KIND_PROPERTY, ""),
                () -> DockerClientFactory.instance().isDockerAvailable());
    }

    /** The choice itself: a forced kind wins (Docker is then not asked), else Docker decides. */
    static String chooseKind(String forced, java.util.function.BooleanSupplier dockerAvailable) {
        if (!forced.isBlank()) {
            String kind = forced.trim().toLowerCase(Locale.ROOT);
            if (!kind.equals(KafkaCluster.EMBEDDED) && !kind.equals(KafkaCluster.TESTCONTAINERS)) {
                throw new IllegalArgumentException(KIND_PROPERTY + " must be " + KafkaCluster.EMBEDDED
                        + " or " + KafkaCluster.TESTCONTAINERS + ", not " + forced);
            }
            return kind;
        }
        return dockerAvailable.getAsBoolean() ? KafkaCluster.TESTCONTAINERS : KafkaCluster.EMBEDDED;
    }

    /** Starts the cluster {@link #chosenKind} names and logs which; package-private so a test can watch the log. */
    static SharedCluster startShared() {
        return chosenKind().equals(KafkaCluster.TESTCONTAINERS) ? startContainer() : startEmbedded();
    }

    private static String whyEmbedded() {
        return !System.getProperty(KIND_PROPERTY, "").isBlank()
                ? "chosen with -D" + KIND_PROPERTY
                : "no Docker engine found";
    }

    private static SharedCluster startContainer() {
        KafkaContainer container = KafkaContainers.create();
        container.start();
        KafkaCluster cluster = new KafkaCluster(KafkaCluster.TESTCONTAINERS, container.getBootstrapServers());
        LOG.info("Integration tests use Testcontainers Kafka ({}) at {}", KafkaContainers.IMAGE, cluster.bootstrapServers());
        return new SharedCluster(cluster, container::stop);
    }

    private static SharedCluster startEmbedded() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start();
        KafkaCluster cluster = new KafkaCluster(KafkaCluster.EMBEDDED, broker.bootstrapServers());
        LOG.info("Integration tests use the embedded KRaft broker at {} ({})", cluster.bootstrapServers(), whyEmbedded());
        return new SharedCluster(cluster, broker::close);
    }

    /** What the root store keeps: the address for tests and the handle JUnit closes at the end. */
    record SharedCluster(KafkaCluster cluster, Runnable stop) implements AutoCloseable {
        @Override
        public void close() {
            stop.run();
        }
    }
}
