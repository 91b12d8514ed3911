package io.streamlearn.cli;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.config.Format;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.produce.ConfigCheck;
import io.streamlearn.produce.CsvExamples;
import io.streamlearn.produce.ExampleSender;
import io.streamlearn.produce.ExampleSource;
import io.streamlearn.produce.GeneratedExamples;
import io.streamlearn.produce.HoldoutDraw;
import io.streamlearn.produce.JsonLinesExamples;
import io.streamlearn.produce.ProduceRefused;
import io.streamlearn.produce.ProducerSettings;
import io.streamlearn.produce.RateLimit;
import io.streamlearn.produce.RecordIds;
import io.streamlearn.produce.Sent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
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
                description = {"Built-in data: blobs, or, xor, iris (a data set's rows once, shuffled, then rows drawn at random),",
                        "gaussian, hyperplane (a rotating hyperplane: concept drift)."})
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

    @Option(names = {"-m", "--model"}, paramLabel = "ID", description = "Model id written into every record (one the configuration declares).")
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

    @Option(names = "--check", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Check every row by the configuration's rules before sending it (default): a row the learner would",
                    "dead-letter (undeclared model, wrong number of features, label out of range) stops produce, saying what to",
                    "change. --no-check sends such rows anyway, e.g. to watch the dead letters."})
    boolean check;

    /** A model the file does not declare may be in the catalogue (model add); file models are checked without a broker. */
    private StreamlearnConfig withCatalogueFor(StreamlearnConfig loaded) {
        if (model == null || loaded.model(model) != null) {
            return loaded;
        }
        try {
            return KafkaAccess.withCatalogue(loaded, KafkaAccess.connect(loaded));
        } catch (UserError unreachable) {
            return loaded; // no broker to ask: the check says the model is not declared
        }
    }

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
        StreamlearnConfig config = withCatalogueFor(options.load(formats()));
        try (ExampleSource input = open()) {
            ExampleSender sender = new ExampleSender(Topics.of(config), new ConfigCheck(config, input, model != null, check),
                    new HoldoutDraw(holdout, input.size(), seed), new RateLimit(rate), RecordIds.forThisRun(), model);
            ProgressBar bar = new ProgressBar(progress, input.size());
            // Ctrl-C ends the JVM with 130 before the summary below; without this the user cannot tell what was written.
            Thread interrupted = new Thread(() -> {
                bar.endLine();
                System.err.println(interruptedMessage(sender.examplesDelivered().acknowledged(),
                        sender.eventsDelivered().acknowledged()));
                System.err.flush();
            }, "streamlearn-produce-interrupted");
            Runtime.getRuntime().addShutdownHook(interrupted);
            Sent sent;
            try (PrintWriter labels = labelsFile == null ? null : new PrintWriter(Files.newBufferedWriter(labelsFile))) {
                sent = sender.send(input, count != null ? count : Long.MAX_VALUE, () -> {
                    KafkaAccess.connect(config);
                    return new KafkaProducer<>(ProducerSettings.of(KafkaProperties.common(config)));
                }, labels, bar::update, new LearnerCatchUp(config, waitForWeights));
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(interrupted);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: it reports the counts
                }
            }
            bar.done();
            System.out.printf(Locale.ROOT, "produced %s to '%s'%s in %.1f s (%.0f records/s)%n",
                    Counts.of(sent.examples(), "example"), config.topics().examples(),
                    sent.events() > 0 ? " and " + Counts.of(sent.events(), "event") + " to '" + config.topics().events() + "'" : "",
                    sent.seconds(), sent.perSecond());
            return 0;
        } catch (ProduceRefused e) {
            throw new UserError(e.getMessage());
        }
    }

    /** What Ctrl-C leaves behind: the records the broker acknowledged (a record still in flight may or may not be written). */
    static String interruptedMessage(long examples, long events) {
        return "interrupted: produced " + Counts.of(examples, "example") + " and " + Counts.of(events, "event");
    }

    /** --format, which overrides both topics' formats in the configuration. */
    private Map<String, String> formats() {
        if (format == null) {
            return Map.of();
        }
        try {
            Format.parse(format);
        } catch (IllegalArgumentException e) {
            throw new UserError("--format: " + e.getMessage());
        }
        return Map.of("formats.examples", format, "formats.events", format);
    }

    /** csv, or jsonl/json for JSON lines: --input-format, else the file's extension; csv for stdin. */
    private String fileFormat() {
        boolean stdin = source.file.equals("-");
        return inputFormat != null ? inputFormat.toLowerCase(Locale.ROOT)
                : stdin || source.file.toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "jsonl";
    }

    private ExampleSource open() throws IOException {
        if (source.generator != null) {
            return new GeneratedExamples(source.generator, seed, dims, classes, count);
        }
        String fmt = fileFormat();
        if (!fmt.equals("csv") && !fmt.equals("jsonl") && !fmt.equals("json")) {
            throw new UserError("--input-format must be csv or jsonl, got '" + inputFormat + "'");
        }
        BufferedReader reader;
        if (source.file.equals("-")) {
            reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        } else {
            Path p = Path.of(source.file);
            if (!Files.isReadable(p)) {
                throw new UserError("--file " + p + ": no such readable file");
            }
            reader = Files.newBufferedReader(p, StandardCharsets.UTF_8);
        }
        return fmt.equals("csv") ? new CsvExamples(reader, labelColumn, keyColumn, idColumn) : new JsonLinesExamples(reader);
    }
}
