package io.streamlearn.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Built-in example streams: the tutorial's data sets, d-dimensional Gaussian classes, and a
 * rotating hyperplane whose concept drifts (for watching an online learner follow a change).
 * Every generator is a pure function of its seed.
 */
public final class Generators {
    public static final List<String> NAMES = List.of("blobs", "or", "xor", "iris", "gaussian", "hyperplane");

    private Generators() {
    }

    /**
     * An endless stream of rows. A data set's first rows are the whole set once, shuffled with the
     * seed; after it, rows are drawn at random (with the same seed). {@code dims} and
     * {@code classes} apply to gaussian and hyperplane.
     */
    public static Iterator<LabeledRow> stream(String name, long seed, int dims, int classes) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "blobs", "or", "xor", "iris" -> shuffledThenDrawn(Datasets.load(n), seed);
            case "gaussian" -> gaussian(dims, classes, seed);
            case "hyperplane" -> hyperplane(dims, seed, 1e-3);
            default -> throw new IllegalArgumentException("unknown generator '" + name + "' (have " + NAMES + ")");
        };
    }

    /** The natural size of a generator: a data set's rows; unbounded ones have none (-1). */
    public static int naturalSize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return Datasets.NAMES.contains(n) ? Datasets.load(n).size() : -1;
    }

    /**
     * The set once in a seeded shuffle (so that {@link #naturalSize} rows are the whole set and a
     * holdout of them is a true split), then seeded draws with replacement. Cycling one fixed
     * order instead made an online learner chase a period: a single layer on XOR, always shown
     * the row it had just been pushed away from, scored 5 % instead of about 50 %.
     */
    private static Iterator<LabeledRow> shuffledThenDrawn(List<LabeledRow> rows, long seed) {
        Random random = new Random(seed);
        List<LabeledRow> shuffled = new ArrayList<>(rows);
        java.util.Collections.shuffle(shuffled, random);
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public LabeledRow next() {
                return i < shuffled.size() ? shuffled.get(i++) : shuffled.get(random.nextInt(shuffled.size()));
            }
        };
    }

    /** Class c is a unit Gaussian around a mean drawn once from N(0, 3²) per class and dimension. */
    private static Iterator<LabeledRow> gaussian(int dims, int classes, long seed) {
        Random r = new Random(seed);
        double[][] means = new double[classes][dims];
        for (double[] m : means) {
            for (int j = 0; j < dims; j++) {
                m[j] = 3 * r.nextGaussian();
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public LabeledRow next() {
                int c = r.nextInt(classes);
                double[] x = new double[dims];
                for (int j = 0; j < dims; j++) {
                    x[j] = means[c][j] + r.nextGaussian();
                }
                return new LabeledRow(x, c);
            }
        };
    }

    /**
     * Points uniform in [-1, 1]^d labeled by the side of a hyperplane through the origin whose
     * normal rotates by {@code drift} radians (in the first two dimensions) per example.
     */
    private static Iterator<LabeledRow> hyperplane(int dims, long seed, double drift) {
        if (dims < 2) {
            throw new IllegalArgumentException("hyperplane needs at least 2 dimensions");
        }
        Random r = new Random(seed);
        double[] normal = new double[dims];
        for (int j = 0; j < dims; j++) {
            normal[j] = r.nextGaussian();
        }
        return new Iterator<>() {
            long t;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public LabeledRow next() {
                double angle = drift * t++;
                double c = Math.cos(angle);
                double s = Math.sin(angle);
                double n0 = c * normal[0] - s * normal[1];
                double n1 = s * normal[0] + c * normal[1];
                double[] x = new double[dims];
                double dot = 0;
                for (int j = 0; j < dims; j++) {
                    x[j] = 2 * r.nextDouble() - 1;
                    dot += x[j] * (j == 0 ? n0 : j == 1 ? n1 : normal[j]);
                }
                return new LabeledRow(x, dot >= 0 ? 1 : 0);
            }
        };
    }

    /** Limits an endless stream to {@code count} rows. */
    public static <T> Iterator<T> limit(Iterator<T> it, long count) {
        return new Iterator<>() {
            long left = count;

            @Override
            public boolean hasNext() {
                return left > 0 && it.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                left--;
                return it.next();
            }
        };
    }
}
