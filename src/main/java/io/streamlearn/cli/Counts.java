package io.streamlearn.cli;

import java.util.Locale;

/** A count with its noun, so a run of one reads "1 epoch", not "1 epochs". */
final class Counts {
    private Counts() {
    }

    /** {@code noun} is singular and takes a plain "s" in the plural (every noun the commands count does). */
    static String of(long n, String noun) {
        return String.format(Locale.ROOT, "%d %s%s", n, noun, n == 1 ? "" : "s");
    }
}
