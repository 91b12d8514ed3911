package io.streamlearn.cli;

import io.streamlearn.avro.LayerWeights;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.AvroJson;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.snapshot.MeasuredMetrics;
import java.nio.charset.StandardCharsets;
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
        System.out.printf(Locale.ROOT, "model %s version %d (%s, parent %s): %d inputs, loss %s, optimizer %s lr %s, %s%n",
                s.getModel(), s.getVersion(), s.getSource(), s.getParentVersion() == null ? "none" : s.getParentVersion(),
                spec.getInputSize(), spec.getLoss(), spec.getOptimizer().getKind(), spec.getOptimizer().getLearningRate(),
                spec.getUpdateMode().getMode());
        System.out.println(counters(s));
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

    /** The snapshot's counters and metrics, saying "not measured" rather than 0 where no example was scored. */
    static String counters(WeightSnapshot s) {
        return String.format(Locale.ROOT, "examples %d, updates %d%s, %s", s.getExamplesSeen(), s.getUpdatesApplied(),
                s.getUpdatesRefused() == 0 ? "" : " (" + s.getUpdatesRefused() + " refused as non-finite)",
                MeasuredMetrics.measured(s.getMetrics())
                        ? "prequential accuracy " + Figures.of(s.getMetrics().getAccuracy(), 4)
                                + ", log loss " + Figures.of(s.getMetrics().getLogLoss(), 4)
                        : "accuracy and log loss not measured (no example scored)");
    }
}
