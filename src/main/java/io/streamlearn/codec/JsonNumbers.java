package io.streamlearn.codec;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * JSON numbers to doubles straight from a record's bytes, correctly rounded (the same bits as
 * {@link Double#parseDouble} and Jackson's parser). A feature vector is most of a record, and
 * Jackson copies every number's characters into a buffer before converting them; here the
 * digits are read once into a 64-bit significand and converted by one of three exact routes:
 * <ol>
 * <li>Clinger's fast path: a significand of at most 2^53 times or divided by an exact power of
 *     ten up to 10^22 — one IEEE multiplication or division, so one rounding;</li>
 * <li>the Eisel-Lemire algorithm (Lemire, "Number Parsing at a Gigabyte per Second", 2021, as in
 *     Go's strconv): the significand times a 128-bit truncation of the power of ten, which
 *     decides the rounding for all but a few inputs and says when it cannot;</li>
 * <li>{@link Double#parseDouble} for the rest: more than 19 significant digits, results in the
 *     subnormal range, the rare inputs Eisel-Lemire declines.</li>
 * </ol>
 * The grammar is JSON's, strictly: anything else (NaN, a leading '+', "1.") is not a number here,
 * and the codecs leave such records to Jackson. {@code JsonNumbersTest} checks the bits against
 * {@link Double#parseDouble} for random doubles of every kind over many seeds.
 */
public final class JsonNumbers {
    /** A number of more characters than this is left to the caller's slow path (Jackson limits numbers to 1000). */
    static final int MAX_LENGTH = 100;
    private static final int MIN_EXP10 = -348;
    private static final int MAX_EXP10 = 347;
    /** 10^e for e in [MIN_EXP10, MAX_EXP10]: the top bit set, truncated (rounded down) to 128 bits. */
    private static final long[] POW10_HI = new long[MAX_EXP10 - MIN_EXP10 + 1];
    private static final long[] POW10_LO = new long[MAX_EXP10 - MIN_EXP10 + 1];
    /** The powers of ten a double holds exactly. */
    private static final double[] EXACT_POW10 = {
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
            1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    static {
        // Computed, not pasted: 5^e (2^e only moves the binary exponent) normalised to [2^127, 2^128)
        // and rounded down; for negative e, floor(2^k / 5^-e) with the k that lands in that range.
        BigInteger top = BigInteger.ONE.shiftLeft(128);
        for (int e = MIN_EXP10; e <= MAX_EXP10; e++) {
            BigInteger m;
            if (e >= 0) {
                m = BigInteger.valueOf(5).pow(e);
                int excess = m.bitLength() - 128;
                m = excess > 0 ? m.shiftRight(excess) : m.shiftLeft(-excess);
            } else {
                BigInteger p = BigInteger.valueOf(5).pow(-e);
                int k = p.bitLength() + 127;
                m = BigInteger.ONE.shiftLeft(k).divide(p);
                if (m.compareTo(top) >= 0) {
                    m = BigInteger.ONE.shiftLeft(k - 1).divide(p);
                }
            }
            POW10_HI[e - MIN_EXP10] = m.shiftRight(64).longValue();
            POW10_LO[e - MIN_EXP10] = m.longValue();
        }
    }

    /** A reader keeps where its last number ended: one per thread, like the codecs that own it. */
    JsonNumbers() {
    }

    /** The high and low 64 bits of the table's 10^e, for the test that compares them with published values. */
    static long[] pow10Bits(int e) {
        return new long[] {POW10_HI[e - MIN_EXP10], POW10_LO[e - MIN_EXP10]};
    }

    /** A JSON number (the whole string); NumberFormatException when it is not one. */
    public static double parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        JsonNumbers reader = new JsonNumbers();
        double v = reader.read(b, 0, b.length);
        if (Double.isNaN(v) || reader.next != b.length) {
            throw new NumberFormatException("not a JSON number: " + s);
        }
        return v;
    }

    /** Where the number last read ended. */
    int next;

    /**
     * Reads the JSON number starting at {@code start}, in one pass over its characters; NaN (which
     * no JSON number is) when none starts there, or one longer than {@link #MAX_LENGTH}. What
     * follows it is the caller's to check, from {@link #next}. An integer (no fraction, no
     * exponent) is converted as an integer, as Jackson does: "-0" is 0.0.
     */
    double read(byte[] b, int start, int limit) {
        int p = start;
        boolean negative = p < limit && b[p] == '-';
        if (negative) {
            p++;
        }
        if (p >= limit) {
            return Double.NaN;
        }
        long m = 0;
        int significant = 0;
        boolean tooMany = false;
        int d = b[p] - '0';
        if (d == 0) {
            p++;
        } else if (d > 0 && d <= 9) {
            do {
                if (significant < 19) {
                    m = m * 10 + d;
                    significant++;
                } else {
                    tooMany = true;
                }
                p++;
            } while (p < limit && (d = b[p] - '0') >= 0 && d <= 9);
        } else {
            return Double.NaN;
        }
        boolean integer = true;
        int fractionDigits = 0;
        if (p < limit && b[p] == '.') {
            integer = false;
            int first = ++p;
            while (p < limit && (d = b[p] - '0') >= 0 && d <= 9) {
                if (m == 0 && d == 0) {
                    fractionDigits++; // a leading zero: not significant, only scales
                } else if (significant < 19) {
                    m = m * 10 + d;
                    significant++;
                    fractionDigits++;
                } else {
                    tooMany = true;
                }
                p++;
            }
            if (p == first) {
                return Double.NaN;
            }
        }
        int exp = 0;
        if (p < limit && (b[p] == 'e' || b[p] == 'E')) {
            integer = false;
            p++;
            boolean negativeExp = p < limit && b[p] == '-';
            if (p < limit && (b[p] == '-' || b[p] == '+')) {
                p++;
            }
            int first = p;
            while (p < limit && (d = b[p] - '0') >= 0 && d <= 9) {
                if (exp < 100_000) {
                    exp = exp * 10 + d; // beyond, far outside any double: the slow path gives 0 or infinity
                } else {
                    tooMany = true;
                }
                p++;
            }
            if (p == first) {
                return Double.NaN;
            }
            exp = negativeExp ? -exp : exp;
        }
        if (p - start > MAX_LENGTH) {
            return Double.NaN;
        }
        next = p;
        if (tooMany) {
            return slow(b, start, p);
        }
        if (m == 0) {
            return negative && !integer ? -0.0 : 0.0;
        }
        int exp10 = exp - fractionDigits;
        // m is unsigned: 19 digits may exceed Long.MAX_VALUE and read as negative here.
        if (m > 0 && m <= (1L << 53) && exp10 >= -22 && exp10 <= 22) {
            double v = m;
            v = exp10 < 0 ? v / EXACT_POW10[-exp10] : v * EXACT_POW10[exp10];
            return negative ? -v : v;
        }
        long bits = eiselLemire(m, exp10);
        if (bits < 0) {
            return slow(b, start, p);
        }
        return Double.longBitsToDouble(negative ? bits | Long.MIN_VALUE : bits);
    }

    private static double slow(byte[] b, int start, int end) {
        return Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    }

    /**
     * The bits of m · 10^exp10 (m unsigned, not 0) correctly rounded, or -1 when the 128-bit product cannot
     * decide the rounding, or the result is subnormal, infinite or out of the table's range.
     */
    static long eiselLemire(long m, int exp10) {
        if (exp10 < MIN_EXP10 || exp10 > MAX_EXP10) {
            return -1;
        }
        int clz = Long.numberOfLeadingZeros(m);
        m <<= clz;
        long exp2 = ((217706L * exp10) >> 16) + 64 + 1023 - clz;
        int i = exp10 - MIN_EXP10;
        long xHi = unsignedMultiplyHigh(m, POW10_HI[i]);
        long xLo = m * POW10_HI[i];
        if ((xHi & 0x1FF) == 0x1FF && Long.compareUnsigned(xLo + m, m) < 0) {
            // The truncated power's lower 64 bits may carry into the bits that decide: include them.
            long yHi = unsignedMultiplyHigh(m, POW10_LO[i]);
            long yLo = m * POW10_LO[i];
            long mergedHi = xHi;
            long mergedLo = xLo + yHi;
            if (Long.compareUnsigned(mergedLo, xLo) < 0) {
                mergedHi++;
            }
            if ((mergedHi & 0x1FF) == 0x1FF && mergedLo + 1 == 0 && Long.compareUnsigned(yLo + m, m) < 0) {
                return -1;
            }
            xHi = mergedHi;
            xLo = mergedLo;
        }
        int msb = (int) (xHi >>> 63);
        long mantissa = xHi >>> (msb + 9);
        exp2 -= 1 ^ msb;
        if (xLo == 0 && (xHi & 0x1FF) == 0 && (mantissa & 3) == 1) {
            return -1; // exactly half-way between two doubles: the truncated bits cannot tell which way
        }
        mantissa += mantissa & 1;
        mantissa >>>= 1;
        if ((mantissa >>> 53) > 0) {
            mantissa >>>= 1;
            exp2++;
        }
        if (exp2 <= 0 || exp2 >= 0x7FF) {
            return -1;
        }
        return exp2 << 52 | mantissa & 0x000FFFFFFFFFFFFFL;
    }

    /** The high 64 bits of the unsigned 128-bit product (Math.unsignedMultiplyHigh arrives in Java 18). */
    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }
}
