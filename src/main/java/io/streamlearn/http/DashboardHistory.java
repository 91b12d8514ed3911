package io.streamlearn.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.metrics.LearnerMetrics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.PublishedFigures;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.topology.TopologyListener;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the dashboard draws: one sample per second of each model's accuracy, loss, version and
 * throughput (the last {@value #SAMPLES}), dead letters by reason, and the most recent scored
 * points of two-feature models. Bounded in memory whatever the traffic.
 *
 * <p>A sample is {@code [time ms, running accuracy, window accuracy, log loss, version,
 * examples trained per second, events scored per second, window log loss]}; figures not known
 * yet are null. A drift is marked when a model's published drift count rises between two
 * samples (the count, not the reason of the newest version, so a drift followed within the
 * second by another version is still marked): {@code {time, version, drifts, reason}}, the last
 * {@value #MARKS} per model.
 */
public final class DashboardHistory implements TopologyListener, AutoCloseable {
    static final int SAMPLES = 600;
    static final int POINTS = 400;
    static final int MARKS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelRegistry registry;
    private final LearnerMetrics metrics;
    private final Map<String, Deque<double[]>> samples = new ConcurrentHashMap<>();
    private final Map<String, Deque<double[]>> points = new ConcurrentHashMap<>();
    private final Map<String, Long> lastTrained = new ConcurrentHashMap<>();
    private final Map<String, Long> lastDrifts = new ConcurrentHashMap<>();
    private final Map<String, Deque<DriftMark>> driftMarks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> scoredByModel = new ConcurrentHashMap<>();
    private final Map<String, Long> lastScored = new ConcurrentHashMap<>();
    private final Map<DeadLetterReason, AtomicLong> deadLettersByReason = new ConcurrentHashMap<>();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong scoredTotal = new AtomicLong();
    private final ScheduledExecutorService sampler;

    public DashboardHistory(ModelRegistry registry, LearnerMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamlearn-dashboard-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void deadLetter(String sourceTopic, DeadLetterReason reason) {
        deadLetters.incrementAndGet();
        deadLettersByReason.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void scored(String model, long version, double[] features, int label, long nanos) {
        scoredTotal.incrementAndGet();
        scoredByModel.computeIfAbsent(model, m -> new AtomicLong()).incrementAndGet();
        if (features.length != 2) {
            return;
        }
        Deque<double[]> d = points.computeIfAbsent(model, k -> new ArrayDeque<>());
        synchronized (d) {
            if (d.size() == POINTS) {
                d.removeFirst();
            }
            d.addLast(new double[] {features[0], features[1], label});
        }
    }

    /** Takes one sample of every model (public so tests need not wait a second). */
    public synchronized void sample() {
        long now = System.currentTimeMillis();
        for (DecodedSnapshot p : registry.all()) {
            Map<String, Object> live = metrics.snapshot(p.model());
            long trained = ((Number) live.getOrDefault("examplesTrained", 0L)).longValue();
            long before = lastTrained.getOrDefault(p.model(), trained);
            lastTrained.put(p.model(), trained);
            AtomicLong scoredCount = scoredByModel.get(p.model());
            long scored = scoredCount == null ? 0 : scoredCount.get();
            long scoredBefore = lastScored.getOrDefault(p.model(), scored);
            lastScored.put(p.model(), scored);
            double acc = ((Number) live.getOrDefault("accuracy", measured(PublishedFigures.accuracy(p.snapshot())))).doubleValue();
            double win = ((Number) live.getOrDefault("windowAccuracy", Double.NaN)).doubleValue();
            double loss = ((Number) live.getOrDefault("logLoss", measured(PublishedFigures.logLoss(p.snapshot())))).doubleValue();
            double winLoss = ((Number) live.getOrDefault("windowLogLoss", Double.NaN)).doubleValue();
            Deque<double[]> d = samples.computeIfAbsent(p.model(), k -> new ArrayDeque<>());
            synchronized (d) {
                if (d.size() == SAMPLES) {
                    d.removeFirst();
                }
                d.addLast(new double[] {now, acc, win, loss, p.version(), trained - before, scored - scoredBefore, winLoss});
            }
            markDrift(p, now);
        }
    }

    private record DriftMark(long time, long version, long drifts, String reason) {
    }

    private void markDrift(DecodedSnapshot p, long now) {
        var figures = p.snapshot().getFigures();
        if (figures == null) {
            return;
        }
        long drifts = figures.getDrifts();
        Long before = lastDrifts.put(p.model(), drifts);
        // Drifts from before this instance's first sample happened at a time it does not know.
        if (before == null || drifts <= before) {
            return;
        }
        String reason = p.snapshot().getReason();
        Deque<DriftMark> marks = driftMarks.computeIfAbsent(p.model(), k -> new ArrayDeque<>());
        synchronized (marks) {
            if (marks.size() == MARKS) {
                marks.removeFirst();
            }
            marks.addLast(new DriftMark(now, p.version(), drifts,
                    reason != null && reason.startsWith("drift:") ? reason : "drift"));
        }
    }

    /** A published figure, NaN where not measured: the samples' JSON writes it as null, the dashboard as "–". */
    private static double measured(Double figure) {
        return figure == null ? Double.NaN : figure;
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("deadLetters", deadLetters.get());
        ObjectNode reasons = root.putObject("deadLetterReasons");
        deadLettersByReason.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> reasons.put(e.getKey().name(), e.getValue().get()));
        root.put("scored", scoredTotal.get());
        ObjectNode models = root.putObject("models");
        for (DecodedSnapshot p : registry.all().stream().sorted(Comparator.comparing(DecodedSnapshot::model)).toList()) {
            ObjectNode m = models.putObject(p.model());
            m.put("version", p.version());
            m.put("inputs", p.network().inputSize());
            ArrayNode series = m.putArray("samples");
            Deque<double[]> d = samples.get(p.model());
            if (d != null) {
                synchronized (d) {
                    for (double[] s : d) {
                        ArrayNode a = series.addArray();
                        for (double v : s) {
                            if (Double.isFinite(v)) {
                                a.add(v);
                            } else {
                                a.addNull();
                            }
                        }
                    }
                }
            }
            ArrayNode drifts = m.putArray("drifts");
            Deque<DriftMark> marks = driftMarks.get(p.model());
            if (marks != null) {
                synchronized (marks) {
                    for (DriftMark mark : marks) {
                        drifts.addObject().put("time", mark.time()).put("version", mark.version())
                                .put("drifts", mark.drifts()).put("reason", mark.reason());
                    }
                }
            }
            ArrayNode pts = m.putArray("points");
            Deque<double[]> ps = points.get(p.model());
            if (ps != null) {
                synchronized (ps) {
                    for (double[] pt : ps) {
                        pts.addArray().add(pt[0]).add(pt[1]).add((int) pt[2]);
                    }
                }
            }
        }
        return root;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
