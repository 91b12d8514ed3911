package io.streamlearn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The data sets bundled in the jar (from the tutorial): blobs, or, xor, iris. CSV with a header,
 * features first, the integer label last.
 */
public final class Datasets {
    public static final List<String> NAMES = List.of("blobs", "or", "xor", "iris");

    private Datasets() {
    }

    public static List<LabeledRow> load(String name) {
        String resource = "/data/" + name + ".csv";
        InputStream in = Datasets.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalArgumentException("no bundled data set '" + name + "' (have " + NAMES + ")");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return parse(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<LabeledRow> parse(BufferedReader r) throws IOException {
        List<LabeledRow> rows = new ArrayList<>();
        String line = r.readLine(); // header
        while ((line = r.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(",");
            double[] x = new double[parts.length - 1];
            for (int i = 0; i < x.length; i++) {
                x[i] = Double.parseDouble(parts[i].trim());
            }
            rows.add(new LabeledRow(x, Integer.parseInt(parts[parts.length - 1].trim())));
        }
        return rows;
    }

    /** A seeded shuffle, then the first part for training and the last {@code testShare} for testing. */
    public static Split split(List<LabeledRow> rows, double testShare, long seed) {
        List<LabeledRow> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(seed));
        int test = (int) Math.round(rows.size() * testShare);
        return new Split(List.copyOf(shuffled.subList(0, rows.size() - test)),
                List.copyOf(shuffled.subList(rows.size() - test, rows.size())));
    }

    /** Training rows and held-out test rows. */
    public record Split(List<LabeledRow> train, List<LabeledRow> test) {
    }
}
