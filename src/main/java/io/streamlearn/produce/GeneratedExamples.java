package io.streamlearn.produce;

import io.streamlearn.codec.LabeledExample;
import io.streamlearn.data.Generators;
import io.streamlearn.data.LabeledRow;
import java.util.Iterator;
import java.util.Locale;

/** Rows of a built-in generator: a data set's rows (its size unless a count is given), or 1000 generated ones. */
public final class GeneratedExamples implements ExampleSource {
    /** Rows of an endless generator when no count is given. */
    static final int UNBOUNDED_DEFAULT = 1000;

    private final String name;
    private final int classes;
    private final long size;
    private final Iterator<LabeledRow> rows;
    private long index;

    public GeneratedExamples(String name, long seed, int dims, int classes, Long count) {
        try {
            this.rows = Generators.stream(name, seed, dims, classes);
        } catch (IllegalArgumentException e) {
            throw new ProduceRefused("--generator: " + e.getMessage());
        }
        this.name = name.toLowerCase(Locale.ROOT);
        this.classes = classes;
        int natural = Generators.naturalSize(name);
        this.size = count != null ? count : natural > 0 ? natural : UNBOUNDED_DEFAULT;
    }

    private boolean dataSet() {
        return Generators.naturalSize(name) > 0;
    }

    @Override
    public SourceRow next() {
        if (index >= size) {
            return null;
        }
        LabeledRow r = rows.next();
        return new SourceRow(LabeledExample.of(null, null, r.features(), r.label()), null, "row " + ++index);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String featuresFix(int wanted, int got) {
        return dataSet() ? "'" + name + "' has " + got + " features: choose a --model that takes " + got
                : "use --dims " + wanted + ", or a --model that takes " + got;
    }

    @Override
    public String labelsOrigin() {
        return dataSet() ? "the labels are those of '" + name + "'"
                : name.equals("gaussian") ? "--classes " + classes + " makes labels 0 to " + (classes - 1)
                : "'" + name + "' makes labels 0 and 1";
    }

    @Override
    public void close() {
        // nothing to release
    }
}
