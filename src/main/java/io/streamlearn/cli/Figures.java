package io.streamlearn.cli;

import java.util.Locale;

/** A measured figure with a fixed number of decimals; "-" for one that was not measured (NaN). */
final class Figures {
    static final String NOT_MEASURED = "-";

    private Figures() {
    }

    static String of(double v, int decimals) {
        return Double.isNaN(v) ? NOT_MEASURED : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
