package io.streamlearn.evaluate;

import io.streamlearn.data.CsvRows;
import io.streamlearn.data.Datasets;
import io.streamlearn.data.Generators;
import io.streamlearn.data.LabeledRow;
import io.streamlearn.data.RotatingHyperplane;
import io.streamlearn.data.SeaConcepts;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The streams {@code evaluate} reads: the field's synthetic benchmarks (the slowly rotating
 * hyperplane, SEA concepts with abrupt drift), the bundled data sets, or a CSV file. Each is read
 * whole into memory (a generator up to its count), so every model sees the same examples in the
 * same order and several passes are possible.
 */
public final class Streams {
    /** Generators and their default lengths. */
    public static final long HYPERPLANE_COUNT = 100_000;
    public static final long SEA_COUNT = 50_000;
    public static final List<String> NAMES = List.of("hyperplane", "sea", "blobs", "or", "xor", "iris", "breast_cancer");

    private Streams() {
    }

    /** A named stream, its rows, and its classes (0 when the labels are not all class indices: a regression). */
    public record Data(String name, List<Example> rows, int classes) {
        public int inputSize() {
            return rows.isEmpty() ? 0 : rows.get(0).features().length;
        }
    }

    /** A generator ({@code count} examples, ≤ 0 for its default length) or a bundled data set (all of it). */
    public static Data named(String name, long count, long seed) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "hyperplane" -> data(n, RotatingHyperplane.benchmark(seed), count > 0 ? count : HYPERPLANE_COUNT);
            case "sea" -> data(n, SeaConcepts.benchmark(seed), count > 0 ? count : SEA_COUNT);
            default -> {
                if (!NAMES.contains(n)) {
                    throw new IllegalArgumentException("unknown stream '" + name + "' (have " + String.join(", ", NAMES)
                            + ", or give --csv FILE)");
                }
                List<LabeledRow> rows = Datasets.load(n);
                yield data(n, rows.iterator(), count > 0 ? Math.min(count, rows.size()) : rows.size());
            }
        };
    }

    private static Data data(String name, Iterator<LabeledRow> it, long count) {
        List<Example> rows = new ArrayList<>();
        Iterator<LabeledRow> limited = Generators.limit(it, count);
        while (limited.hasNext()) {
            LabeledRow r = limited.next();
            rows.add(new Example(r.features(), r.label()));
        }
        return new Data(name, List.copyOf(rows), classes(rows));
    }

    /** A CSV file with a header: the label column by name or index (default the last), every other column a feature. */
    public static Data csv(Path file, String labelColumn) throws IOException {
        List<Example> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CsvRows csv = new CsvRows(r, labelColumn, null, null)) {
            while (csv.hasNext()) {
                CsvRows.Row row = csv.next();
                rows.add(new Example(row.features(), row.label()));
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + " has no rows");
        }
        String name = file.getFileName().toString().replaceFirst("\\.csv$", "");
        return new Data(name, List.copyOf(rows), classes(rows));
    }

    /** One more than the largest label when every label is a class index 0, 1, …; else 0. */
    static int classes(List<Example> rows) {
        double max = -1;
        for (Example e : rows) {
            double y = e.label();
            if (y < 0 || y != Math.rint(y) || y > 1_000_000) {
                return 0;
            }
            max = Math.max(max, y);
        }
        return (int) max + 1;
    }
}
