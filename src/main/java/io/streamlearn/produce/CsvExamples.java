package io.streamlearn.produce;

import io.streamlearn.codec.LabeledExample;
import io.streamlearn.data.CsvRows;
import java.io.BufferedReader;
import java.io.IOException;

/** Rows of a CSV file (or stdin) with a header: see {@link CsvRows} for the columns. */
public final class CsvExamples implements ExampleSource {
    private final CsvRows csv;

    /** {@code labelColumn}, {@code keyColumn}, {@code idColumn}: a header name or a 0-based index, or null. */
    public CsvExamples(BufferedReader reader, String labelColumn, String keyColumn, String idColumn) throws IOException {
        try {
            this.csv = new CsvRows(reader, labelColumn, keyColumn, idColumn);
        } catch (IllegalArgumentException e) {
            reader.close();
            throw new ProduceRefused(e.getMessage());
        }
    }

    @Override
    public SourceRow next() {
        try {
            if (!csv.hasNext()) {
                return null;
            }
            CsvRows.Row r = csv.next();
            return new SourceRow(LabeledExample.of(r.id(), null, r.features(), r.label()), r.key(), "line " + r.line());
        } catch (IllegalArgumentException e) {
            throw new ProduceRefused(e.getMessage());
        }
    }

    @Override
    public long size() {
        return -1;
    }

    @Override
    public String featuresFix(int wanted, int got) {
        return "the features are the columns " + csv.featureColumns() + " (every column but the label, key and id columns):"
                + " choose --label-column, --key-column and --id-column so that " + wanted + " remain, or a --model that takes " + got;
    }

    @Override
    public String labelsOrigin() {
        return "the label is column '" + csv.labelColumn() + "' (--label-column; default: the last)";
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
