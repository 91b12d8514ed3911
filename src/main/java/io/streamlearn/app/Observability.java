package io.streamlearn.app;

import io.streamlearn.catalogue.CatalogueEditor;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.http.DashboardHistory;
import io.streamlearn.http.HttpApi;
import io.streamlearn.lifecycle.ShutdownSequence;
import io.streamlearn.metrics.LearnerMetrics;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.topology.TopologyListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Metrics, the HTTP API and the dashboard around a running learner. Created before the
 * application (the topology reports to its listener); its HTTP server is attached before Kafka
 * Streams starts ({@link #start}) or once it runs ({@link #attach}).
 */
public final class Observability implements AutoCloseable {
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LearnerMetrics metrics = new LearnerMetrics();
    private DashboardHistory history;
    private HttpApi http;
    private KafkaStreamsMetrics streamsMetrics;
    private JvmGcMetrics gc;
    /**
     * Made before the learner, so at exit the HTTP server stops after it: /health answers (not
     * ready) while the learner commits and leaves its group.
     */
    private final ShutdownSequence.Registration exit = ShutdownSequence.onExit("the HTTP server", this::stop);

    public Observability() {
        metrics.bindTo(prometheus);
    }

    /**
     * The JVM's and the process's meters, bound once the learner runs: they load the JMX classes
     * (a few hundred, about 0.2 CPU s), which a start would otherwise pay before its first commit.
     */
    private synchronized void bindJvmMeters() {
        if (gc != null) {
            return;
        }
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ClassLoaderMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        new UptimeMetrics().bindTo(prometheus);
        new JvmInfoMetrics().bindTo(prometheus);
        gc = new JvmGcMetrics();
        gc.bindTo(prometheus);
    }

    /** What the topology reports to: meters and the dashboard's history. */
    public TopologyListener listener(ModelRegistry registryForHistory) {
        return TopologyListener.all(metrics, history(registryForHistory));
    }

    private synchronized DashboardHistory history(ModelRegistry registry) {
        if (history == null) {
            history = new DashboardHistory(registry, metrics);
        }
        return history;
    }

    /**
     * Starts the learner with the HTTP server up before Kafka Streams starts, so that during
     * start-up /health answers (live, not ready: 503) instead of refusing connections.
     */
    public StreamlearnApp start(StreamlearnConfig config, ModelRegistry registry, String host, int port, Duration timeout)
            throws IOException {
        try {
            StreamlearnApp app = StreamlearnApp.start(config, registry, listener(registry), timeout,
                    starting -> attachServer(starting, host, port));
            bindJvmMeters();
            return app;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The HTTP server, once attached (null before). */
    public synchronized HttpApi http() {
        return http;
    }

    /** Binds Kafka Streams' own client metrics and the JVM's, and starts the HTTP server (port 0: any free port). */
    public synchronized HttpApi attach(StreamlearnApp app, String host, int port) throws IOException {
        HttpApi started = attachServer(app, host, port);
        bindJvmMeters();
        return started;
    }

    private synchronized HttpApi attachServer(StreamlearnApp app, String host, int port) throws IOException {
        streamsMetrics = new KafkaStreamsMetrics(app.streams());
        streamsMetrics.bindTo(prometheus);
        http = new HttpApi(host, port, app.registry(), app.catalogue(),
                new CatalogueEditor(app.config(), KafkaProperties.common(app.config()), "http"), app.streams()::state, prometheus,
                metrics, history(app.registry()));
        return http;
    }

    public PrometheusMeterRegistry prometheus() {
        return prometheus;
    }

    /** Stops the HTTP server and the meters; safe to call more than once. */
    @Override
    public void close() {
        exit.run();
    }

    private synchronized void stop() {
        if (http != null) {
            http.close();
        }
        if (history != null) {
            history.close();
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (gc != null) {
            gc.close();
        }
        prometheus.close();
    }
}
