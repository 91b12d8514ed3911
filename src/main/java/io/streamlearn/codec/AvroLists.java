package io.streamlearn.codec;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** Conversions between Avro's {@code List<Double>} and {@code double[]}, without copying on the way out. */
public final class AvroLists {
    private AvroLists() {
    }

    public static double[] toArray(List<Double> list) {
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /** A read-only view, so encoding a large vector does not copy it into boxed form first. */
    public static List<Double> view(double[] values) {
        return new DoubleArrayView(values);
    }

    private static final class DoubleArrayView extends AbstractList<Double> implements RandomAccess {
        private final double[] values;

        DoubleArrayView(double[] values) {
            this.values = values;
        }

        @Override
        public Double get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }
}
