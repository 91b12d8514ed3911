package io.streamlearn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads a CSV file with a header row into examples: the label column (by name or 0-based index,
 * default the last), an optional key column and id column, every other column a feature.
 * Streams the file, so its size is not bounded by memory.
 */
public final class CsvRows implements Iterator<CsvRows.Row>, AutoCloseable {
    /** One row: features, label, and the key and id columns when chosen (else null). */
    public record Row(double[] features, double label, String key, String id, long line) {
    }

    private final BufferedReader reader;
    private final int labelIndex;
    private final int keyIndex;
    private final int idIndex;
    private final int columns;
    private final String[] names;
    private Row next;
    private long line = 1;

    public CsvRows(BufferedReader reader, String labelColumn, String keyColumn, String idColumn) throws IOException {
        this.reader = reader;
        String header = reader.readLine();
        if (header == null) {
            throw new IllegalArgumentException("the CSV input is empty (a header row is needed)");
        }
        String[] names = header.split(",", -1);
        for (int i = 0; i < names.length; i++) {
            names[i] = names[i].trim();
        }
        this.columns = names.length;
        this.names = names;
        this.labelIndex = labelColumn == null ? names.length - 1 : column(names, labelColumn, "--label-column");
        this.keyIndex = keyColumn == null ? -1 : column(names, keyColumn, "--key-column");
        this.idIndex = idColumn == null ? -1 : column(names, idColumn, "--id-column");
    }

    /** The header's names of the feature columns: every column but the label, key and id columns. */
    public List<String> featureColumns() {
        List<String> features = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (i != labelIndex && i != keyIndex && i != idIndex) {
                features.add(names[i]);
            }
        }
        return features;
    }

    /** The header's name of the label column. */
    public String labelColumn() {
        return names[labelIndex];
    }

    private static int column(String[] names, String wanted, String flag) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(wanted)) {
                return i;
            }
        }
        try {
            int i = Integer.parseInt(wanted);
            if (i >= 0 && i < names.length) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // not an index either
        }
        throw new IllegalArgumentException(flag + " '" + wanted + "' is neither a column name nor an index of the header "
                + String.join(",", names));
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        try {
            String s;
            while ((s = reader.readLine()) != null) {
                line++;
                if (!s.isBlank()) {
                    next = parse(s);
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row r = next;
        next = null;
        return r;
    }

    private Row parse(String s) {
        String[] parts = s.split(",", -1);
        if (parts.length != columns) {
            throw new IllegalArgumentException("line " + line + " has " + parts.length + " columns, the header " + columns);
        }
        List<Double> features = new ArrayList<>(columns);
        double label = Double.NaN;
        String key = null;
        String id = null;
        for (int i = 0; i < parts.length; i++) {
            String v = parts[i].trim();
            if (i == keyIndex || i == idIndex) {
                if (i == keyIndex) {
                    key = v;
                }
                if (i == idIndex) {
                    id = v;
                }
                continue;
            }
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + line + ", column " + (i + 1) + ": '" + v + "' is not a number");
            }
            if (i == labelIndex) {
                label = d;
            } else {
                features.add(d);
            }
        }
        double[] x = new double[features.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = features.get(i);
        }
        return new Row(x, label, key, id, line);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
