package io.streamlearn.evaluate;

import io.streamlearn.config.ModelConfig;
import io.streamlearn.eval.Evaluation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The results as a text table, one model per row, then each model's declaration and per-class figures. */
public final class Report {
    private Report() {
    }

    public static String table(Streams.Data data, List<Result> results, Options o, boolean perClass) {
        boolean classifier = results.stream().anyMatch(r -> r.evaluation().classifier());
        boolean regression = results.stream().anyMatch(r -> !r.evaluation().classifier());
        boolean lastPass = o.epochs() > 1;
        boolean test = results.stream().anyMatch(r -> r.test() != null);
        int nameWidth = Math.max(5, results.stream().mapToInt(r -> r.candidate().name().length()).max().orElse(5));
        List<String> head = new ArrayList<>(List.of(pad("MODEL", nameWidth), "EXAMPLES", "UPDATES"));
        if (classifier) {
            head.addAll(List.of("ACCURACY", "WINDOW", "FADING", "LOGLOSS"));
        }
        if (regression) {
            head.addAll(List.of("MSE", "MAE", "WIN_MAE"));
        }
        if (lastPass) {
            head.add("LASTPASS");
        }
        if (test) {
            head.add("TEST");
        }
        head.addAll(List.of("DRIFTS", "EX/S"));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %d examples, %d features%s%s%s%n", data.name(), data.rows().size(),
                data.inputSize(), data.classes() > 0 ? ", " + data.classes() + " classes" : ", regression",
                o.epochs() > 1 ? ", " + o.epochs() + " passes" : "",
                o.holdout() > 0 ? ", " + Math.round(o.holdout() * 100) + " % held out" : ""));
        sb.append(head.stream().map(h -> h.startsWith("MODEL") ? h : String.format("%9s", h)).collect(Collectors.joining(" ")))
                .append('\n');
        for (Result r : results) {
            Evaluation e = r.evaluation();
            List<String> cells = new ArrayList<>(List.of(pad(r.candidate().name(), nameWidth),
                    String.format("%9d", e.examples()), String.format("%9d", r.updates())));
            if (classifier) {
                cells.addAll(List.of(num(e.accuracy()), num(e.windowed().accuracy()), num(e.fading().accuracy()),
                        num(e.logLoss())));
            }
            if (regression) {
                cells.addAll(List.of(num(e.mse()), num(e.mae()), num(e.windowed().mae())));
            }
            if (lastPass) {
                cells.add(num(e.classifier() ? r.lastPass().accuracy() : r.lastPass().mae()));
            }
            if (test) {
                cells.add(r.test() == null ? num(Double.NaN) : num(e.classifier() ? r.test().accuracy() : r.test().mse()));
            }
            cells.add(String.format("%9d", r.drifts()));
            cells.add(String.format(Locale.ROOT, "%9.0f", r.examplesPerSecond()));
            sb.append(String.join(" ", cells)).append('\n');
        }
        sb.append('\n');
        for (Result r : results) {
            sb.append(pad(r.candidate().name(), nameWidth)).append("  ").append(describe(r.candidate().config()));
            if (r.refused() > 0) {
                sb.append("  (").append(r.refused()).append(" examples refused: label or size out of its range)");
            }
            sb.append('\n');
        }
        if (perClass) {
            for (Result r : results) {
                Evaluation e = r.evaluation();
                if (!e.hasPerClass()) {
                    continue;
                }
                sb.append('\n').append(r.candidate().name()).append(": CLASS  SUPPORT  PRECISION  RECALL\n");
                for (int c = 0; c < e.classes(); c++) {
                    sb.append(String.format(Locale.ROOT, "%" + (r.candidate().name().length() + 7) + "d %8d %10s %7s%n", c,
                            e.support(c), num(e.precision(c)).trim(), num(e.recall(c)).trim()));
                }
            }
        }
        return sb.toString();
    }

    /** A model's declaration in one line: layers, loss, optimizer and schedule, scaling, update mode. */
    public static String describe(ModelConfig c) {
        var s = c.spec();
        String layers = s.inputSize() + " → " + s.layers().stream()
                .map((LayerSpec l) -> l.units() + " " + l.activation().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(" → "));
        OptimizerSpec o = s.optimizer();
        return layers + ", " + s.loss().name().toLowerCase(Locale.ROOT) + ", " + o.kind().configName() + " lr "
                + trim(o.learningRate()) + " " + o.schedule() + (s.l2() > 0 ? ", l2 " + trim(s.l2()) : "")
                + ", scaling " + s.scaling().configName() + ", " + c.update()
                + (c.hasInitialWeights() ? ", explicit initial weights" : ", seed " + s.seed());
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String num(double v) {
        return Double.isNaN(v) ? String.format("%9s", "-") : String.format(Locale.ROOT, "%9.4f", v);
    }

    private static String pad(String s, int width) {
        return String.format("%-" + width + "s", s);
    }
}
