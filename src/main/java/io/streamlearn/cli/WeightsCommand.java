package io.streamlearn.cli;

import io.streamlearn.avro.LayerWeights;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.AvroJson;
import io.streamlearn.config.StreamlearnConfig;
import java.nio.charset.StandardCharsets;
import io.streamlearn.snapshot.PublishedFigures;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints one model's weights: the newest version, or a given one while the topic still holds it. */
@Command(name = "weights", versionProvider = VersionProvider.class, description = "Print a model's weights (newest version, or --version V).")
final class WeightsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model id.")
    String model;

    @Option(names = {"-v", "--version"}, paramLabel = "V", description = "Version to print (default: the newest).")
    Long version;

    @Option(names = "--json", description = "Print the whole snapshot as JSON (Avro's JSON encoding of WeightSnapshot).")
    boolean json;

    @Mixin
    ConfigOptions options;

    @Mixin
    HelpOptions help;

    @Override
    public Integer call() {
        StreamlearnConfig config = options.load();
        WeightSnapshot s = KafkaAccess.snapshot(config, KafkaAccess.connect(config), model, version);
        if (json) {
            System.out.println(new String(new AvroJson<WeightSnapshot>(WeightSnapshot.getClassSchema()).encode(s),
                    StandardCharsets.UTF_8));
            return 0;
        }
        var spec = s.getSpec();
        // scaling and schedule are named only when they are not the plain ones, so a tutorial model reads as before
        String schedule = spec.getOptimizer().getSchedule();
        System.out.printf(Locale.ROOT, "model %s version %d (%s, parent %s): %d inputs, loss %s, optimizer %s lr %s%s, %s%s%n",
                s.getModel(), s.getVersion(), s.getSource(), s.getParentVersion() == null ? "none" : s.getParentVersion(),
                spec.getInputSize(), spec.getLoss(), spec.getOptimizer().getKind(), spec.getOptimizer().getLearningRate(),
                schedule.equals("constant") ? "" : " (" + schedule + ")", spec.getUpdateMode().getMode(),
                spec.getScaling().equals("none") ? "" : ", scaling " + spec.getScaling());
        System.out.printf(Locale.ROOT, "examples %d, updates %d%s, prequential accuracy %s, log loss %s%n",
                s.getExamplesSeen(), s.getUpdatesApplied(),
                s.getUpdatesRefused() == 0 ? "" : " (" + s.getUpdatesRefused() + " refused as non-finite)",
                PublishedFigures.cell(PublishedFigures.accuracy(s)).trim(), PublishedFigures.cell(PublishedFigures.logLoss(s)).trim());
        if (s.getReason() != null) {
            System.out.println("published because of a " + s.getReason());
        }
        String figures = PublishedFigures.line(s);
        if (figures != null) {
            System.out.println(figures);
        }
        if (s.getScaler() != null) {
            System.out.printf(Locale.ROOT, "feature statistics (%s) over %d examples%n", spec.getScaling(), s.getScaler().getCount());
        }
        for (int l = 0; l < s.getLayers().size(); l++) {
            LayerWeights lw = s.getLayers().get(l);
            System.out.printf(Locale.ROOT, "layer %d: %d x %d, %s%n", l, lw.getRows(), lw.getCols(),
                    spec.getLayers().get(l).getActivation());
            for (int r = 0; r < lw.getRows(); r++) {
                StringBuilder row = new StringBuilder("  W[" + r + "] =");
                for (int c = 0; c < lw.getCols(); c++) {
                    row.append(' ').append(lw.getWeights().get(r * lw.getCols() + c));
                }
                // Double.toString: the shortest text that reads back as the same double, so 1.0 stays 1.0.
                row.append("   b[").append(r).append("] = ").append(lw.getBiases().get(r));
                System.out.println(row);
            }
        }
        return 0;
    }
}
