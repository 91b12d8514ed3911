package io.streamlearn.codec;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** Conversions between Avro's {@code List<Double>} and {@code double[]}, without copying on the way out. */
public final class AvroLists {
    private AvroLists() {
    }

    /** A record's feature vector, refused when absent or longer than {@code maxFeatures}. */
    static double[] features(List<Double> features, int maxFeatures) {
        if (features == null) {
            throw new InvalidRecordException(DeadLetterReason.MISSING_FIELD, "missing field 'features'");
        }
        if (features.size() > maxFeatures) {
            throw new InvalidRecordException(DeadLetterReason.TOO_MANY_FEATURES,
                    "'features' has " + features.size() + " values, more than the limit of " + maxFeatures);
        }
        return toArray(features);
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
