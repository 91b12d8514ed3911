package io.streamlearn.cli;

import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.evaluate.Candidate;
import io.streamlearn.evaluate.Example;
import io.streamlearn.evaluate.Options;
import io.streamlearn.evaluate.PrequentialEvaluation;
import io.streamlearn.evaluate.Report;
import io.streamlearn.evaluate.Result;
import io.streamlearn.evaluate.Streams;
import io.streamlearn.evaluate.Variants;
import io.streamlearn.plot.LearningCurves;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prequential evaluation of models side by side over a file or a generator, without a broker. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Evaluate models test-then-train over a stream, side by side, without a broker.",
                "Every example is scored by each model, then learned from, exactly as the running learner does; the"
                        + " table shows the prequential figures (classifiers: accuracy since the start, over the last"
                        + " --window examples and with a fading factor, log loss; regressions: MSE and MAE), drifts"
                        + " detected and examples a second, and <prefix>-curves.png the learning curves.",
                "Models: those of --config (--model picks some), else a model declared with only an id and the"
                        + " stream's inputSize (a softmax output when it has more than 2 classes); --set changes them,"
                        + " --compare makes variants, e.g. the tutorial's batch sizes:",
                "  evaluate --data blobs --epochs 100 --holdout 0.25 --compare update=stochastic,count:32,full"},
        footer = {"", "Streams: hyperplane (10 features, slow drift, 5 %% noise; 100,000 examples), sea (abrupt drift"
                + " every 12,500, 10 %% noise; 50,000), and the bundled blobs, or, xor, iris, breast_cancer.",
                "--compare keys: " + "update (stochastic, count:N, window:MS, full), optimizer, lr, schedule, scaling, l2,"
                        + " seed, hidden (N or N:activation, 0 for none), drift (report, reset)."})
final class EvaluateCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--data", paramLabel = "NAME", description = "A generator or bundled data set (see below).")
        String data;

        @Option(names = "--csv", paramLabel = "FILE", description = "A CSV file with a header; the label column last unless --label-column says.")
        Path csv;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--label-column", paramLabel = "COLUMN", description = "With --csv: the label column's name or 0-based index.")
    String labelColumn;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Examples from a generator (default: its benchmark length) or the first N rows.")
    long count;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of generators, shuffles and the holdout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shuffle", description = "Shuffle the examples (with the seed) before each pass.")
    boolean shuffle;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "1", description = "Passes over the stream (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--holdout", paramLabel = "SHARE", defaultValue = "0", description = "Keep this share out of training and score it at the end (TEST).")
    double holdout;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration whose models to evaluate.")
    Path configFile;

    @Option(names = {"-m", "--model"}, paramLabel = "ID", description = "A model of the config (repeatable; default: all whose inputSize fits).")
    List<String> models = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration key, e.g. --set models.0.optimizer.kind=sgd.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--compare", paramLabel = "KEY=V1,V2", description = "Evaluate a variant per value (repeatable: every combination).")
    List<String> compare = new ArrayList<>();

    @Option(names = "--window", paramLabel = "N", defaultValue = "1000", description = "Examples in the windowed figures and curves (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--time-step-ms", paramLabel = "MS", defaultValue = "1", description = "Event time between examples, for window mode (default: ${DEFAULT-VALUE}).")
    long timeStepMs;

    @Option(names = "--per-class", description = "Also print per-class precision and recall.")
    boolean perClass;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = ".", description = "Directory of the PNG (default: current).")
    Path out;

    @Option(names = "--prefix", defaultValue = "evaluate", description = "File name prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--no-png", description = "Do not draw the learning curves.")
    boolean noPng;

    @Option(names = "--write-csv", paramLabel = "FILE", description = "Also write the stream as the first pass sees it (CSV, label last), for other tools.")
    Path writeCsv;

    @Override
    public Integer call() throws IOException {
        Streams.Data data = data();
        List<Candidate> candidates = candidates(data);
        Options options;
        try {
            options = new Options(epochs, shuffle, seed, holdout, window, 200, timeStepMs);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (writeCsv != null) {
            writeCsv(PrequentialEvaluation.firstPass(data, options), data.inputSize());
        }
        List<Result> results = PrequentialEvaluation.run(data, candidates, options);
        System.out.print(Report.table(data, results, options, perClass));
        if (!noPng) {
            Files.createDirectories(out);
            Path png = out.resolve(prefix + "-curves.png");
            Map<String, double[][]> series = new LinkedHashMap<>();
            for (Result r : results) {
                double[] x = new double[r.curve().x().length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.curve().x()[i];
                }
                series.put(r.candidate().name(), new double[][] {x, r.curve().y()});
            }
            String figure = results.get(0).curve().figure();
            LearningCurves.savePng(LearningCurves.chart(data.name() + ": " + figure + " (last " + window + ")",
                    figure, series), png);
            System.out.println("\nwrote " + png);
        }
        return 0;
    }

    private void writeCsv(List<Example> rows, int features) throws IOException {
        if (holdout > 0) {
            throw new UserError("--write-csv writes the whole stream: leave out --holdout");
        }
        if (writeCsv.getParent() != null) {
            Files.createDirectories(writeCsv.getParent());
        }
        try (var w = Files.newBufferedWriter(writeCsv)) {
            for (int j = 0; j < features; j++) {
                w.write("x" + j + ",");
            }
            w.write("label\n");
            for (Example e : rows) {
                for (double v : e.features()) {
                    w.write(Double.toString(v));
                    w.write(',');
                }
                w.write(Double.toString(e.label()));
                w.write('\n');
            }
        }
        System.out.println("wrote " + writeCsv);
    }

    private Streams.Data data() throws IOException {
        try {
            if (source.csv != null) {
                return Streams.csv(source.csv, labelColumn);
            }
            return Streams.named(source.data, count, seed);
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + source.csv);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private List<Candidate> candidates(Streams.Data data) {
        List<ModelConfig> base = new ArrayList<>();
        try {
            if (configFile != null) {
                StreamlearnConfig config = ConfigLoader.load(configFile, overrides);
                for (ModelConfig m : config.models().values()) {
                    boolean picked = models.isEmpty() ? m.spec().inputSize() == data.inputSize() : models.contains(m.id());
                    if (picked) {
                        base.add(m);
                    }
                }
                for (String id : models) {
                    if (config.model(id) == null) {
                        throw new UserError("model '" + id + "' is not declared in " + configFile);
                    }
                }
                if (base.isEmpty()) {
                    throw new UserError(configFile + " declares no model of " + data.inputSize() + " inputs: pick one with --model");
                }
            } else {
                base.add(ConfigLoader.load(null, declaration(data)).model(data.name()));
            }
        } catch (ConfigException e) {
            throw new UserError(e.getMessage());
        }
        List<Candidate> candidates = new ArrayList<>();
        for (ModelConfig m : base) {
            candidates.add(new Candidate(m.id(), m));
        }
        try {
            for (String c : compare) {
                List<Variants.Variant> variants = Variants.parse(c);
                List<Candidate> next = new ArrayList<>();
                for (Candidate cand : candidates) {
                    for (Variants.Variant v : variants) {
                        String name = base.size() == 1 && cand.name().equals(base.get(0).id()) ? v.label()
                                : cand.name() + " " + v.label();
                        next.add(new Candidate(name, v.apply().apply(cand.config())));
                    }
                }
                candidates = next;
            }
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (candidates.stream().map(Candidate::name).distinct().count() != candidates.size()) {
            throw new UserError("two models would have the same name: give each --compare value once");
        }
        return candidates;
    }

    /** A model declared with only its id and the stream's inputSize; a softmax output for more than two classes. */
    private Map<String, String> declaration(Streams.Data data) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("defaultModel", data.name());
        o.put("models.0.id", data.name());
        o.put("models.0.inputSize", String.valueOf(data.inputSize()));
        if (data.classes() > 2) {
            o.put("models.0.layers.0.units", String.valueOf(data.classes()));
            o.put("models.0.layers.0.activation", "softmax");
        } else if (data.classes() == 0) {
            o.put("models.0.layers.0.units", "1");
            o.put("models.0.layers.0.activation", "linear");
        }
        o.putAll(overrides);
        return o;
    }
}
