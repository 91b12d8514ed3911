package io.streamlearn.cli;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.data.CsvRows;
import io.streamlearn.data.Datasets;
import io.streamlearn.data.LabeledRow;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.Label;
import io.streamlearn.model.Network;
import io.streamlearn.plot.Plots;
import io.streamlearn.retrain.KafkaEpochSource;
import io.streamlearn.snapshot.SnapshotMapper;
import io.streamlearn.config.ModelResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The tutorial's pictures as PNG: the data by label, and a model's decision regions under the same data. */
@Command(name = "plot", versionProvider = VersionProvider.class,
        description = {"Draw the tutorial's pictures as PNG: the data, and a model's predictions.",
                "The data colored by label (<prefix>-data.png) and, with --model, the model's decision regions shaded by predicted class, the data on top, on the same axes (<prefix>-predictions.png)."})
final class PlotCommand implements Callable<Integer> {
    static final class Data {
        @Option(names = "--csv", paramLabel = "FILE", description = "CSV with a header, features first, the label last.")
        Path csv;

        @Option(names = "--dataset", paramLabel = "NAME", description = "A bundled data set: blobs, or, xor, iris.")
        String dataset;

        @Option(names = "--from-topic", description = "The model's labeled examples on the examples topic.")
        boolean fromTopic;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Data data;

    @Option(names = {"-m", "--model"}, paramLabel = "ID", description = "Model whose predictions to draw (read from the weights topic).")
    String model;

    @Option(names = {"-v", "--version"}, paramLabel = "V", description = "Version of the model (default: the newest).")
    Long version;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = ".", description = "Directory of the PNG files (default: current).")
    Path out;

    @Option(names = "--prefix", defaultValue = "streamlearn", description = "File name prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Mixin
    ConfigOptions options;

    @Mixin
    HelpOptions help;

    @Override
    public Integer call() throws IOException {
        List<LabeledRow> rows = rows();
        if (rows.isEmpty()) {
            throw new UserError("no data to draw");
        }
        Files.createDirectories(out);
        Path dataPng = out.resolve(prefix + "-data.png");
        Plots.savePng(Plots.data(rows, "Data (" + rows.size() + " points) by label"), dataPng);
        System.out.println("wrote " + dataPng);
        if (model != null) {
            WeightSnapshot s = snapshot();
            Network n = SnapshotMapper.network(s);
            if (n.inputSize() != 2) {
                throw new UserError("model '" + model + "' has " + n.inputSize() + " inputs; the prediction picture needs 2");
            }
            Path predPng = out.resolve(prefix + "-predictions.png");
            Plots.savePng(Plots.predictions(rows, n, "Predictions of '" + model + "' version " + s.getVersion()
                    + ": regions by predicted class, points by label"), predPng);
            System.out.println("wrote " + predPng);
        }
        return 0;
    }

    private List<LabeledRow> rows() throws IOException {
        if (data.dataset != null) {
            try {
                return Datasets.load(data.dataset);
            } catch (IllegalArgumentException e) {
                throw new UserError("--dataset: " + e.getMessage());
            }
        }
        if (data.csv != null) {
            if (!Files.isReadable(data.csv)) {
                throw new UserError("--csv " + data.csv + ": no such readable file");
            }
            List<LabeledRow> rows = new ArrayList<>();
            try (CsvRows csv = new CsvRows(Files.newBufferedReader(data.csv, StandardCharsets.UTF_8), null, null, null)) {
                while (csv.hasNext()) {
                    CsvRows.Row r = csv.next();
                    rows.add(new LabeledRow(r.features(), (int) r.label()));
                }
            } catch (IllegalArgumentException e) {
                throw new UserError("--csv " + data.csv + ": " + e.getMessage());
            }
            return rows;
        }
        StreamlearnConfig config = options.load();
        Properties p = KafkaAccess.connect(config);
        String id = model != null ? model : config.defaultModel();
        List<LabeledRow> rows = new ArrayList<>();
        try (KafkaEpochSource source = new KafkaEpochSource(p, config.topics().examples(), KafkaEpochSource.StartAt.beginning(),
                Topics.of(config).examples().codec(), new ModelResolver(config), id,
                e -> e.label() instanceof Label.Scalar, 100_000)) {
            if (source.rangeSize() > 100_000) {
                throw new UserError("the examples topic holds " + source.rangeSize() + " records; plot at most 100000 (use --csv)");
            }
            source.readAll((x, label, vector, pos) -> rows.add(new LabeledRow(x, (int) label)));
        }
        return rows;
    }

    private WeightSnapshot snapshot() {
        StreamlearnConfig config = options.load();
        return KafkaAccess.snapshot(config, KafkaAccess.connect(config), model, version);
    }
}
