package io.streamlearn.cli;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.codec.JsonExampleCodec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.codec.PlainHeader;
import io.streamlearn.config.Format;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.data.CsvRows;
import io.streamlearn.data.Generators;
import io.streamlearn.data.LabeledRow;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.Label;
import io.streamlearn.snapshot.WeightsReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Produces labeled examples (and held-out events) from a file, stdin, or a built-in generator. */
@Command(name = "produce", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Produce labeled examples to 'examples' from a file, stdin or a built-in generator.",
                "The input is a CSV or JSON-lines file, stdin, or a generator; with --holdout,",
                "a share goes to 'events' instead, as unlabeled events."})
final class ProduceCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = {"-g", "--generator"}, paramLabel = "NAME",
                description = "Built-in data: blobs, or, xor, iris, gaussian, hyperplane (a rotating hyperplane: concept drift).")
        String generator;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "CSV (with a header) or JSON lines; '-' for stdin.")
        String file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Mixin
    ConfigOptions options;

    @Option(names = "--input-format", paramLabel = "csv|jsonl",
            description = "Format of --file (default: from its extension; csv for stdin).")
    String inputFormat;

    @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "CSV column of the label (default: the last; JSON lines have a 'label' field).")
    String labelColumn;

    @Option(names = "--key-column", paramLabel = "NAME|INDEX", description = "CSV column used as the record key.")
    String keyColumn;

    @Option(names = "--id-column", paramLabel = "NAME|INDEX", description = "CSV column used as the record id.")
    String idColumn;

    @Option(names = {"-m", "--model"}, paramLabel = "ID", description = "Model id written into every record.")
    String model;

    @Option(names = {"-n", "--count"}, paramLabel = "N",
            description = "Records to produce (default: every row of the file or data set; 1000 for gaussian and hyperplane).")
    Long count;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "0",
            description = {"Rate limit in records/s (0: as fast as possible). With a rate, record i is also stamped",
                    "with event time start + i/rate (start: the first whole second after connecting), so event-time",
                    "windows see the same records whatever the machine's speed."})
    double rate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of generators, shuffling and the holdout draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dims", defaultValue = "2", description = "Dimensions of gaussian and hyperplane (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--classes", defaultValue = "2", description = "Classes of gaussian (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--format", paramLabel = "json|avro", description = "Value format (default: the topic's format in the config).")
    String format;

    @Option(names = "--holdout", paramLabel = "SHARE", defaultValue = "0",
            description = "Share sent to 'events' instead, unlabeled, their true label in header '" + HeaderNames.TRUE_LABEL + "'.")
    double holdout;

    @Option(names = "--labels-file", paramLabel = "FILE", description = "Also write id,label of held-out events to this CSV.")
    Path labelsFile;

    @Option(names = "--wait-for-weights", paramLabel = "SECONDS", defaultValue = "30",
            description = {"Held-out events are sent after the examples, once the model has published weights",
                    "and the running learner has trained on every example sent before them (so the newest weights score them);",
                    "wait at most this long, 0: don't wait (default: ${DEFAULT-VALUE})."})
    int waitForWeights;

    @Option(names = "--progress", negatable = true, description = "Progress bar on stderr (default: when stderr is a terminal).")
    Boolean progress;

    @Override
    public Integer call() throws Exception {
        if (holdout < 0 || holdout > 1) {
            throw new UserError("--holdout must be between 0 and 1, got " + holdout);
        }
        if (rate < 0) {
            throw new UserError("--rate must be 0 (unlimited) or positive, got " + rate);
        }
        if (count != null && count < 0) {
            throw new UserError("--count must not be negative, got " + count);
        }
        if (dims < 1 || classes < 2) {
            throw new UserError("--dims must be at least 1 and --classes at least 2");
        }
        if (source.file != null && !fileFormat().equals("csv") && (labelColumn != null || keyColumn != null || idColumn != null)) {
            throw new UserError("--label-column, --key-column and --id-column apply to CSV; a JSON line names its fields"
                    + " (\"features\", \"label\", \"id\", \"model\") and its id is the record key");
        }
        StreamlearnConfig config = options.load();
        Format examplesFormat = format == null ? config.formats().examples() : parseFormat(format);
        Format eventsFormat = format == null ? config.formats().events() : parseFormat(format);
        KafkaAccess.connect(config);
        Codec<LabeledExample> exampleCodec = Codecs.examples(examplesFormat, config.maxFeatures());
        Codec<Event> eventCodec = Codecs.events(eventsFormat, config.maxFeatures());
        Random holdoutDraw = new Random(seed ^ 0x5DEECE66DL);
        java.util.BitSet exactHoldout = exactHoldout(total(), holdoutDraw);
        long produced = 0;
        long heldOut = 0;
        long t0 = System.nanoTime();
        // one per topic: their acknowledgements are the counts reported, also when Ctrl-C cuts the run short
        Deliveries delivered = new Deliveries();
        Deliveries deliveredEvents = new Deliveries();
        Progress bar = new Progress(progress != null ? progress : System.console() != null, total());
        // Ctrl-C ends the JVM with 130 before the summary below; without this the user cannot tell what was written.
        Thread interrupted = new Thread(() -> {
            bar.endLine();
            System.err.println(interruptedMessage(delivered.acknowledged(), deliveredEvents.acknowledged()));
            System.err.flush();
        }, "streamlearn-produce-interrupted");
        Runtime.getRuntime().addShutdownHook(interrupted);
        try (Input input = open();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(config));
             PrintWriter labels = labelsFile == null ? null : new PrintWriter(Files.newBufferedWriter(labelsFile))) {
            if (labels != null) {
                labels.println("id,label");
            }
            producer.partitionsFor(config.topics().examples());
            // The rate's clock starts once the producer is connected, not while the JVM and client start.
            t0 = System.nanoTime();
            Long stampBase = rate > 0 ? (System.currentTimeMillis() / 1000 + 1) * 1000 : null;
            long limit = count != null ? count : Long.MAX_VALUE;
            List<ProducerRecord<byte[], byte[]>> heldBack = new ArrayList<>();
            String eventModel = null;
            while (produced < limit && input.hasNext()) {
                LabeledExample e = input.next(produced);
                String id = e.id() != null ? e.id() : "p-" + produced;
                String m = model != null ? model : e.model();
                byte[] key = bytes(input.key() != null ? input.key() : id);
                boolean heldOutNow = exactHoldout != null ? exactHoldout.get((int) produced)
                        : holdout > 0 && holdoutDraw.nextDouble() < holdout;
                if (heldOutNow) {
                    String label = e.label() instanceof Label.Vector v ? java.util.Arrays.toString(v.target())
                            : JsonExampleCodec.number(((Label.Scalar) e.label()).value());
                    List<Header> h = List.of(new PlainHeader(HeaderNames.TRUE_LABEL, bytes(label)));
                    ProducerRecord<byte[], byte[]> event = new ProducerRecord<>(config.topics().events(), null,
                            stamp(stampBase, produced), key,
                            eventCodec.encode(new Event(id, m, e.features())), h);
                    eventModel = eventModel != null ? eventModel : m != null ? m : config.defaultModel();
                    if (heldBack.size() < MAX_HELD_BACK) {
                        heldBack.add(event);
                    } else {
                        producer.send(event, deliveredEvents);
                    }
                    if (labels != null) {
                        labels.println(id + "," + label);
                    }
                    heldOut++;
                } else {
                    producer.send(new ProducerRecord<>(config.topics().examples(), null, stamp(stampBase, produced), key,
                            exampleCodec.encode(new LabeledExample(id, m, e.features(), e.label()))), delivered);
                }
                produced++;
                bar.update(produced);
                throttle(produced, t0);
            }
            producer.flush();
            delivered.check();
            deliveredEvents.check();
            if (!heldBack.isEmpty()) {
                awaitWeights(config, eventModel);
                heldBack.forEach(r -> producer.send(r, deliveredEvents));
                producer.flush();
                deliveredEvents.check();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: it reports the counts
            }
        }
        bar.done();
        double secs = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
        System.out.printf(Locale.ROOT, "produced %s to '%s'%s in %.1f s (%.0f records/s)%n",
                Counts.of(produced - heldOut, "example"), config.topics().examples(),
                heldOut > 0 ? " and " + Counts.of(heldOut, "event") + " to '" + config.topics().events() + "'" : "",
                secs, produced / secs);
        return 0;
    }

    /** What Ctrl-C leaves behind: the records the broker acknowledged (a record still in flight may or may not be written). */
    static String interruptedMessage(long examples, long events) {
        return "interrupted: produced " + Counts.of(examples, "example") + " and " + Counts.of(events, "event");
    }

    /**
     * When the number of records is known (a count, a data set), exactly round(n × share) of them
     * are held out, chosen by the seed: the tutorial's 75/25 split is 150/50, not about that.
     */
    private java.util.BitSet exactHoldout(long n, Random r) {
        if (holdout <= 0 || n <= 0 || n > 10_000_000) {
            return null;
        }
        int k = (int) Math.round(n * holdout);
        java.util.BitSet chosen = new java.util.BitSet((int) n);
        // Floyd's algorithm: k distinct indices without materialising a permutation.
        for (long j = n - k; j < n; j++) {
            int t = r.nextInt((int) j + 1);
            chosen.set(chosen.get(t) ? (int) j : t);
        }
        return chosen;
    }

    /**
     * Event time of record {@code i} under a rate limit: evenly spaced from a whole second, as if the
     * records had been produced exactly on schedule (null without a rate: the producer's clock).
     */
    private Long stamp(Long base, long i) {
        return base == null ? null : base + (long) Math.floor(i * 1000.0 / rate);
    }

    /** Held-out events kept back until the examples are sent; beyond this many they go at once. */
    static final int MAX_HELD_BACK = 1_000_000;

    private void awaitWeights(StreamlearnConfig config, String model) throws InterruptedException {
        if (waitForWeights <= 0) {
            return;
        }
        Properties p = new Properties();
        p.putAll(KafkaProperties.common(config));
        var codec = Topics.of(config).weights().codec();
        long deadline = System.nanoTime() + waitForWeights * 1_000_000_000L;
        boolean told = false;
        try (LearnerProgress learner = new LearnerProgress(p, config.applicationId(), config.topics().examples())) {
            while (System.nanoTime() < deadline) {
                // Caught up first: the weights read after it include the snapshot of the last example.
                if (learner.caughtUp() && WeightsReader.latest(p, config.topics().weights(), codec).containsKey(model)) {
                    return;
                }
                // Catching up takes a moment after every run; only a longer wait is worth a word.
                if (!told && System.nanoTime() > deadline - (waitForWeights - 3) * 1_000_000_000L) {
                    System.err.println("waiting for model '" + model + "' to train on the examples and publish weights"
                            + " before sending the held-out events (is 'streamlearn run' running?)");
                    told = true;
                }
                Thread.sleep(200);
            }
        }
        System.err.println("warning: model '" + model + "' did not catch up and publish weights within " + waitForWeights
                + " s; sending the events anyway (without weights they will be dead-lettered as NO_WEIGHTS_YET)");
    }

    private long total() {
        if (count != null) {
            return count;
        }
        return source.generator != null ? Generators.naturalSize(source.generator) : -1;
    }

    private void throttle(long produced, long t0) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        long due = t0 + (long) (produced / rate * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static Format parseFormat(String s) {
        try {
            return Format.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UserError("--format: " + e.getMessage());
        }
    }

    private static Properties producerProps(StreamlearnConfig config) {
        Properties p = new Properties();
        p.putAll(KafkaProperties.common(config));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return p;
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Where examples come from: the current one's key is available after next(). */
    private interface Input extends AutoCloseable {
        boolean hasNext();

        LabeledExample next(long index);

        String key();

        @Override
        void close() throws IOException;
    }

    /** csv, or jsonl/json for JSON lines: --input-format, else the file's extension; csv for stdin. */
    private String fileFormat() {
        boolean stdin = source.file.equals("-");
        return inputFormat != null ? inputFormat.toLowerCase(Locale.ROOT)
                : stdin || source.file.toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "jsonl";
    }

    private Input open() throws IOException {
        if (source.generator != null) {
            Iterator<LabeledRow> it;
            try {
                it = Generators.stream(source.generator, seed, dims, classes);
            } catch (IllegalArgumentException e) {
                throw new UserError("--generator: " + e.getMessage());
            }
            if (count == null) {
                int n = Generators.naturalSize(source.generator);
                it = Generators.limit(it, n > 0 ? n : 1000);
            }
            Iterator<LabeledRow> rows = it;
            return new Input() {
                public boolean hasNext() {
                    return rows.hasNext();
                }

                public LabeledExample next(long index) {
                    LabeledRow r = rows.next();
                    return LabeledExample.of(null, null, r.features(), r.label());
                }

                public String key() {
                    return null;
                }

                public void close() {
                }
            };
        }
        BufferedReader reader;
        boolean stdin = source.file.equals("-");
        if (stdin) {
            reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        } else {
            Path p = Path.of(source.file);
            if (!Files.isReadable(p)) {
                throw new UserError("--file " + p + ": no such readable file");
            }
            reader = Files.newBufferedReader(p, StandardCharsets.UTF_8);
        }
        String fmt = fileFormat();
        if (fmt.equals("csv")) {
            CsvRows csv;
            try {
                csv = new CsvRows(reader, labelColumn, keyColumn, idColumn);
            } catch (IllegalArgumentException e) {
                reader.close();
                throw new UserError(e.getMessage());
            }
            return new Input() {
                CsvRows.Row row;

                public boolean hasNext() {
                    try {
                        return csv.hasNext();
                    } catch (IllegalArgumentException e) {
                        throw new UserError(e.getMessage());
                    }
                }

                public LabeledExample next(long index) {
                    try {
                        row = csv.next();
                    } catch (IllegalArgumentException e) {
                        throw new UserError(e.getMessage());
                    }
                    return LabeledExample.of(row.id(), null, row.features(), row.label());
                }

                public String key() {
                    return row == null ? null : row.key();
                }

                public void close() throws IOException {
                    csv.close();
                }
            };
        }
        if (!fmt.equals("jsonl") && !fmt.equals("json")) {
            reader.close();
            throw new UserError("--input-format must be csv or jsonl, got '" + inputFormat + "'");
        }
        JsonExampleCodec json = new JsonExampleCodec(Integer.MAX_VALUE - 8);
        return new Input() {
            String line;
            long lineNo;

            public boolean hasNext() {
                try {
                    while (line == null) {
                        String s = reader.readLine();
                        if (s == null) {
                            return false;
                        }
                        lineNo++;
                        if (!s.isBlank()) {
                            line = s;
                        }
                    }
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            public LabeledExample next(long index) {
                String s = line;
                line = null;
                try {
                    return json.decode(s.getBytes(StandardCharsets.UTF_8));
                } catch (io.streamlearn.codec.InvalidRecordException e) {
                    throw new UserError("line " + lineNo + ": " + e.detail());
                }
            }

            public String key() {
                return null;
            }

            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /** A one-line progress bar on stderr, redrawn at most every 200 ms. */
    static final class Progress {
        private final boolean on;
        private final long total;
        private final long t0 = System.nanoTime();
        private long lastDraw;

        Progress(boolean on, long total) {
            this.on = on;
            this.total = total;
        }

        private long last;

        void update(long n) {
            last = n;
            if (!on) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastDraw < 200_000_000L) {
                return;
            }
            draw(n, now);
        }

        private void draw(long n, long now) {
            lastDraw = now;
            double rate = n / Math.max(1e-9, (now - t0) / 1e9);
            if (total > 0) {
                int width = 30;
                int filled = (int) (width * Math.min(1.0, (double) n / total));
                System.err.printf(Locale.ROOT, "\r[%s%s] %3d%% %d/%d %.0f/s", "#".repeat(filled), " ".repeat(width - filled),
                        100 * n / total, n, total, rate);
            } else {
                System.err.printf(Locale.ROOT, "\r%d records %.0f/s", n, rate);
            }
        }

        /** Ends a half-drawn bar's line, so that what follows starts on its own line. */
        void endLine() {
            if (on && lastDraw != 0) {
                System.err.println();
            }
        }

        /** Draws the final count (the last update may have fallen between two draws) and ends the line. */
        void done() {
            if (on && lastDraw != 0) {
                draw(last, System.nanoTime());
                System.err.println();
            }
        }
    }
}
