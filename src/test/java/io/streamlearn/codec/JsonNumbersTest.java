package io.streamlearn.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The number reader must give exactly the bits of {@link Double#parseDouble} and of Jackson's
 * parser (which the codecs used before it, fast double parser on): a property test over many
 * seeds, numbers of every kind and every way of writing them.
 */
class JsonNumbersTest {
    private static final int SEEDS = 40;
    private static final int PER_SEED = 2_500;

    /** Checks one string against both references; an integer literal is converted as Jackson does ("-0" is 0.0). */
    private static void same(String s) {
        double ours = JsonNumbers.parse(s);
        double jackson = jackson(s);
        assertEquals(Double.doubleToRawLongBits(jackson), Double.doubleToRawLongBits(ours), () -> s + ": ours " + ours
                + ", Jackson " + jackson);
        boolean integer = s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0;
        if (!integer || ours != 0) {
            double jdk = Double.parseDouble(s);
            assertEquals(Double.doubleToRawLongBits(jdk), Double.doubleToRawLongBits(ours), () -> s + ": ours " + ours
                    + ", Double.parseDouble " + jdk);
        }
    }

    private static double jackson(String s) {
        try (JsonParser p = JsonShapes.FACTORY.createParser("[" + s + "]")) {
            p.nextToken();
            JsonToken t = p.nextToken();
            if (t == null || !t.isNumeric()) {
                throw new AssertionError("Jackson does not read a number in " + s);
            }
            return p.getDoubleValue();
        } catch (IOException e) {
            throw new AssertionError(s, e);
        }
    }

    /** Any finite double: random bits cover every exponent, subnormals and both zeros. */
    private static double anyDouble(SplittableRandom r) {
        while (true) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (Double.isFinite(d)) {
                return d;
            }
        }
    }

    @Test
    void everyWayOfWritingRandomDoublesReadsBackExactly() {
        for (int seed = 1; seed <= SEEDS; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < PER_SEED; i++) {
                double d = switch (i % 4) {
                    case 0 -> anyDouble(r);
                    case 1 -> r.nextGaussian();
                    case 2 -> r.nextGaussian() * Math.pow(10, r.nextInt(-320, 309));
                    default -> Double.longBitsToDouble(r.nextLong(0, 1L << 52)) * (r.nextBoolean() ? 1 : -1); // subnormal
                };
                if (!Double.isFinite(d)) {
                    continue;
                }
                same(NumberOutput.toString(d, true)); // what the codecs write: shortest round trip
                same(Double.toString(d));              // JDK 17: not always the shortest, E notation
                BigDecimal exact = new BigDecimal(d);
                for (int digits : new int[] {17, 18, 19, 20, 25}) {
                    same(exact.round(new MathContext(digits, RoundingMode.HALF_EVEN)).toString());
                }
                String plain = exact.round(new MathContext(r.nextInt(1, 30))).toPlainString();
                if (plain.length() <= JsonNumbers.MAX_LENGTH) {
                    same(plain);
                }
            }
        }
    }

    /** Decimal strings of random digits and exponents: most are not the shortest form of any double. */
    @Test
    void randomDecimalStringsRoundCorrectly() {
        for (int seed = 1; seed <= SEEDS; seed++) {
            SplittableRandom r = new SplittableRandom(1000 + seed);
            for (int i = 0; i < PER_SEED; i++) {
                StringBuilder s = new StringBuilder();
                if (r.nextBoolean()) {
                    s.append('-');
                }
                int intDigits = r.nextInt(1, 22);
                s.append(r.nextInt(intDigits == 1 ? 0 : 1, 10));
                for (int k = 1; k < intDigits; k++) {
                    s.append(r.nextInt(10));
                }
                if (r.nextBoolean()) {
                    s.append('.');
                    int frac = r.nextInt(1, 22);
                    for (int k = 0; k < frac; k++) {
                        s.append(r.nextInt(10));
                    }
                }
                if (r.nextInt(3) > 0) {
                    s.append(r.nextBoolean() ? 'e' : 'E');
                    int sign = r.nextInt(3);
                    s.append(sign == 0 ? "" : sign == 1 ? "+" : "-");
                    s.append(r.nextInt(0, 360));
                }
                same(s.toString());
            }
        }
    }

    /**
     * Exactly half-way between two neighbouring doubles, and one unit of the last digit either
     * side: where a reader that rounds from a truncated product goes wrong.
     */
    @Test
    void halfWayCasesRoundToEven() {
        for (int seed = 1; seed <= SEEDS; seed++) {
            SplittableRandom r = new SplittableRandom(2000 + seed);
            for (int i = 0; i < PER_SEED / 4; i++) {
                double d = Math.abs(i % 2 == 0 ? anyDouble(r) : r.nextGaussian() * Math.pow(10, r.nextInt(-300, 300)));
                if (!Double.isFinite(d) || d == Double.MAX_VALUE) {
                    continue;
                }
                BigDecimal mid = new BigDecimal(d).add(new BigDecimal(Math.nextUp(d))).divide(BigDecimal.valueOf(2));
                for (int digits : new int[] {16, 17, 18, 19, 20, 40}) {
                    BigDecimal m = mid.round(new MathContext(digits, RoundingMode.HALF_EVEN));
                    BigDecimal ulp = m.ulp();
                    for (BigDecimal v : new BigDecimal[] {m, m.add(ulp), m.subtract(ulp)}) {
                        String s = v.toString();
                        if (s.length() <= JsonNumbers.MAX_LENGTH) {
                            same(s);
                        }
                    }
                }
                String exactMid = mid.toString();
                if (exactMid.length() <= JsonNumbers.MAX_LENGTH) {
                    same(exactMid);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "0.0", "-0.0", "-0e0", "0e-5", "-0.000E+12", "1", "-1", "10", "0.1", "0.3",
            "1e23", "8.98846567431158e307", "9007199254740992", "9007199254740993", "9007199254740995",
            "18446744073709551615", "18446744073709551616", "123456789012345678901234567890", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "4.9e-324", "5e-324", "2.4703282292062327e-324",
            "2.4703282292062328e-324", "2.2250738585072011e-308", "2.2250738585072012e-308", "2.225073858507201e-308",
            "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e308", "1e309", "1e400",
            "-1e400", "1e-400", "1e99999999", "1e-99999999", "0.000000000000000000000000000001", "1E+2", "1e-0",
            "7.2057594037927933e16", "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124", "3.0517578125e-05", "0.1e-340", "1000000000000000000000"})
    void edgeCases(String s) {
        same(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "+1", "1.", ".5", "01", "-01", "1e", "1e+", "1.e5", "NaN", "Infinity", "-Infinity",
            "0x10", " 1", "1 ", "1.5.2", "--1", "1d", "1f", "٣"})
    void onlyJsonsGrammarIsANumber(String s) {
        assertThrows(NumberFormatException.class, () -> JsonNumbers.parse(s));
    }

    /** The table is computed at start-up; these rows are the ones Go's strconv and Wuffs publish. */
    @Test
    void thePowersOfTenTableMatchesThePublishedValues() {
        assertArrayEquals(new long[] {0xFA8FD5A0081C0288L, 0x1732C869CD60E453L}, JsonNumbers.pow10Bits(-348));
        assertArrayEquals(new long[] {0x9C99E58405118195L, 0x0E7FBD42205C8EB4L}, JsonNumbers.pow10Bits(-347));
        assertArrayEquals(new long[] {0xE596B7B0C643C719L, 0x6D9CCD05D0000000L}, JsonNumbers.pow10Bits(43));
        assertArrayEquals(new long[] {0x8000000000000000L, 0L}, JsonNumbers.pow10Bits(0));
    }
}
