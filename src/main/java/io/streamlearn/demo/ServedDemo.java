package io.streamlearn.demo;

import io.streamlearn.app.Observability;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.http.HttpApi;
import io.streamlearn.snapshot.ModelRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;

/**
 * The demo for watching: the learner with metrics, the HTTP API and the dashboard, the tutorial
 * run through it, then a generator feeding it examples and events until closed. What
 * {@code streamlearn demo --serve} runs; tests drive it in-process.
 */
public final class ServedDemo implements AutoCloseable {
    /** How the served demo is fed once the tutorial is done. */
    public record Options(String host, int port, String feed, double perSecond, long seed) {
    }

    private final Observability observability;
    private final StreamlearnApp app;
    private final HttpApi http;
    private final URI url;
    private final TutorialDemo.Result result;
    private final DemoFeed feed;

    private ServedDemo(Observability observability, StreamlearnApp app, HttpApi http, URI url,
                       TutorialDemo.Result result, DemoFeed feed) {
        this.observability = observability;
        this.app = app;
        this.http = http;
        this.url = url;
        this.result = result;
        this.feed = feed;
    }

    /**
     * Starts the learner and the dashboard (printing its address at once, so it can be watched
     * from the first example), runs the tutorial on it, then starts the feed. Returns with
     * everything running; {@link #close} stops it all. {@code config} comes from
     * {@link TutorialDemo#configure}.
     */
    public static ServedDemo start(StreamlearnConfig config, Options options, PrintStream out, Duration timeout)
            throws IOException, InterruptedException {
        Observability obs = new Observability();
        ModelRegistry registry = new ModelRegistry();
        StreamlearnApp app = null;
        DemoFeed feed = null;
        try {
            app = obs.start(config, registry, options.host(), options.port(), timeout);
            HttpApi http = obs.http();
            URI url = URI.create("http://" + hostForUrl(options.host()) + ":" + http.port() + "/");
            out.println("Dashboard: " + url);
            TutorialDemo.Result result = TutorialDemo.run(app, out, timeout);
            feed = DemoFeed.start(config, options.feed(), options.perSecond(), options.seed());
            return new ServedDemo(obs, app, http, url, result, feed);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (feed != null) {
                feed.close();
            }
            if (app != null) {
                app.close();
            }
            obs.close();
            throw e;
        }
    }

    private static String hostForUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::")) {
            return "localhost";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Where the dashboard is (the API is under the same address). */
    public URI url() {
        return url;
    }

    public int port() {
        return http.port();
    }

    /** What the tutorial part saw. */
    public TutorialDemo.Result result() {
        return result;
    }

    public DemoFeed feed() {
        return feed;
    }

    public StreamlearnApp app() {
        return app;
    }

    /** Blocks until the learner stops (closed, or failed); returns the failure if any. */
    public Throwable awaitStop() throws InterruptedException {
        return app.awaitStop();
    }

    @Override
    public void close() {
        feed.close();
        app.close();
        observability.close();
    }
}
