package io.streamlearn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.bench.BenchMedians;
import io.streamlearn.bench.BenchResult;
import io.streamlearn.bench.BenchRunner;
import io.streamlearn.bench.LatencyResult;
import io.streamlearn.bench.OutsideResult;
import io.streamlearn.broker.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Throughput and latency of the learner next to a pass-through topology, on an embedded broker. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Measure throughput and latency on an embedded broker.",
                "Measures a pass-through topology (the ceiling), training in each update mode, scoring, and produce-to-scored-event latency, for at_least_once and exactly_once_v2."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-n", "--count"}, defaultValue = "1000000", description = "Examples (and events) produced (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--dims", defaultValue = "10", description = "Features per example (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions of the input topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--guarantee", split = ",", defaultValue = "at_least_once,exactly_once_v2",
            description = "Guarantees to measure (default: ${DEFAULT-VALUE}).")
    List<String> guarantees;

    @Option(names = "--modes", split = ",", defaultValue = "stochastic,count,window",
            description = "Update modes to train in (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--latency-rate", defaultValue = "5000", description = "Events/s of the fixed-rate latency run (default: ${DEFAULT-VALUE}).")
    double latencyRate;

    @Option(names = "--latency-seconds", defaultValue = "10", description = "Length of the fixed-rate latency run (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--format", defaultValue = "json",
            description = "Record format of examples, events and scored events: json or avro (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--runs", defaultValue = "1",
            description = "Measure every row this many times in one run (after one warm-up) and print medians (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--outside-pairs", defaultValue = "2",
            description = {"Also time the learner and the pass-through as separate processes, each from its launch,",
                    "alternating A B this many times per guarantee, scoring and training; 0 skips it (default: ${DEFAULT-VALUE})."})
    int outsidePairs;

    @Option(names = "--quick", description = "A small run to check that everything works: 20,000 records, 2 s of latency.")
    boolean quick;

    @Option(names = "--json", description = "Print the results as JSON on stdout (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (quick) {
            count = 20_000;
            latencySeconds = 2;
        }
        if (count < 100 || dims < 1 || partitions < 1 || latencyRate <= 0 || latencySeconds < 1 || rounds < 1 || outsidePairs < 0) {
            throw new UserError("--count must be at least 100, --dims, --partitions, --latency-seconds and --runs at least 1, "
                    + "--latency-rate positive, --outside-pairs not negative");
        }
        for (String g : guarantees) {
            if (!g.equals("at_least_once") && !g.equals("exactly_once_v2")) {
                throw new UserError("--guarantee takes at_least_once and/or exactly_once_v2, got '" + g + "'");
            }
        }
        for (String m : modes) {
            if (!List.of("stochastic", "count", "window").contains(m)) {
                throw new UserError("--modes takes stochastic, count and/or window, got '" + m + "'");
            }
        }
        io.streamlearn.config.Format recordFormat = recordFormat();
        PrintStream progress = json ? System.err : System.out;
        Path state = Files.createTempDirectory("streamlearn-bench");
        BenchRunner runner;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
            runner = new BenchRunner(broker.bootstrapServers(),
                    new BenchRunner.Plan(count, dims, partitions, guarantees, modes, latencyRate, latencySeconds, state, recordFormat, rounds,
                            outsidePairs), progress);
            runner.run();
        } finally {
            try (var paths = Files.walk(state)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("count", count).put("dims", dims).put("format", recordFormat.name().toLowerCase(Locale.ROOT)).put("partitions", partitions)
                    .put("cores", Runtime.getRuntime().availableProcessors()).put("java", System.getProperty("java.version"));
            root.set("throughput", m.valueToTree(runner.results()));
            root.set("latency", m.valueToTree(runner.latencies()));
            root.set("outside", m.valueToTree(runner.outside()));
            root.put("runs", rounds);
            ObjectNode medians = root.putObject("medians");
            medians.set("throughput", m.valueToTree(BenchMedians.throughput(runner.results())));
            medians.set("latency", m.valueToTree(BenchMedians.latency(runner.latencies())));
            medians.set("outside", m.valueToTree(BenchMedians.outside(runner.outside())));
            System.out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return 0;
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%5s %-16s %-24s %12s %8s %8s %8s%n", "round", "guarantee", "workload", "records/s", "ratio",
                "heap MB", "RSS MB");
        for (BenchResult r : runner.results()) {
            System.out.printf(Locale.ROOT, "%5d %-16s %-24s %12.0f %8.2f %8d %8d%n", r.round(), r.guarantee(), r.workload(),
                    r.recordsPerSecond(), r.ratioToPassThrough(), r.heapMb(), r.rssMb());
        }
        System.out.printf(Locale.ROOT, "%n%5s %-16s %-13s %-12s %8s %8s %8s %8s %11s %11s%n", "round", "guarantee", "workload", "rate",
                "events", "p50 ms", "p99 ms", "max ms", "commit avg", "commit max");
        for (LatencyResult l : runner.latencies()) {
            System.out.printf(Locale.ROOT, "%5d %-16s %-13s %-12s %8d %8.0f %8.0f %8.0f %11.1f %11.1f%n", l.round(), l.guarantee(),
                    l.workload(), rate(l.offeredRate()), l.events(), l.p50Ms(), l.p99Ms(), l.maxMs(), l.commitAvgMs(), l.commitMaxMs());
        }
        if (rounds > 1) {
            printMedians(runner);
        }
        printOutside(runner);
        return 0;
    }

    private void printMedians(BenchRunner runner) {
        System.out.printf(Locale.ROOT, "%nmedians of %d rounds%n%-16s %-24s %12s %8s  %s%n", rounds, "guarantee", "workload",
                "records/s", "ratio", "ratio of each round");
        for (BenchMedians.Throughput t : BenchMedians.throughput(runner.results())) {
            System.out.printf(Locale.ROOT, "%-16s %-24s %12.0f %8.2f  %s%n", t.guarantee(), t.workload(), t.recordsPerSecond(),
                    t.ratioToPassThrough(), joined(t.ratios(), "%.2f"));
        }
        System.out.printf(Locale.ROOT, "%n%-16s %-13s %-12s %8s %8s %8s %11s  %s%n", "guarantee", "workload", "rate", "p50 ms",
                "p99 ms", "max ms", "commit max", "p99 of each round");
        for (BenchMedians.Latency l : BenchMedians.latency(runner.latencies())) {
            System.out.printf(Locale.ROOT, "%-16s %-13s %-12s %8.0f %8.0f %8.0f %11.1f  %s%n", l.guarantee(), l.workload(),
                    rate(l.offeredRate()), l.p50Ms(), l.p99Ms(), l.maxMs(), l.commitMaxMs(), joined(l.p99s(), "%.0f"));
        }
    }

    private void printOutside(BenchRunner runner) {
        if (runner.outside().isEmpty()) {
            return;
        }
        System.out.printf(Locale.ROOT, "%nseparate processes, each timed from its launch (A = pass-through, B = learner)%n"
                + "%4s %-16s %-17s %9s %9s %9s %9s %11s %11s%n", "pair", "guarantee", "workload", "A start s", "A done s",
                "B start s", "B done s", "ratio", "ratio after");
        for (OutsideResult o : runner.outside()) {
            System.out.printf(Locale.ROOT, "%4d %-16s %-17s %9.2f %9.2f %9.2f %9.2f %11.2f %11.2f%n", o.pair(), o.guarantee(),
                    o.workload(), o.passThroughFirstCommit(), o.passThroughSeconds(), o.learnerFirstCommit(), o.learnerSeconds(),
                    o.ratioFromStart(), o.ratioAfterFirstCommit());
        }
        System.out.printf(Locale.ROOT, "%nmedians (start = launch to first commit; ratio = learner / pass-through records/s)%n"
                + "%-16s %-17s %9s %9s %9s %11s %11s  %s%n", "guarantee", "workload", "A start s", "B start s", "B - A s", "ratio",
                "ratio after", "ratio of each pair");
        for (BenchMedians.Outside o : BenchMedians.outside(runner.outside())) {
            System.out.printf(Locale.ROOT, "%-16s %-17s %9.2f %9.2f %9.2f %11.2f %11.2f  %s%n", o.guarantee(), o.workload(),
                    o.passThroughFirstCommit(), o.learnerFirstCommit(), o.startUpGap(), o.ratioFromStart(), o.ratioAfterFirstCommit(),
                    joined(o.ratios(), "%.2f"));
        }
    }

    private static String rate(double offered) {
        return offered > 0 ? String.format(Locale.ROOT, "%.0f/s", offered) : "full speed";
    }

    private static String joined(List<Double> values, String format) {
        return String.join(" / ", values.stream().map(v -> String.format(Locale.ROOT, format, v)).toList());
    }

    private io.streamlearn.config.Format recordFormat() {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "json" -> io.streamlearn.config.Format.JSON;
            case "avro" -> io.streamlearn.config.Format.AVRO;
            default -> throw new UserError("--format takes json or avro, got '" + format + "'");
        };
    }
}
