package io.streamlearn.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line is a
 * {@code # HELP}/{@code # TYPE} comment or a sample {@code name{label="value",...} value [timestamp]};
 * anything else is an error naming the line. Checks that label values are properly escaped, that
 * values are numbers (or NaN, +Inf, -Inf), that no series appears twice and that every sample
 * belongs to a family declared by a TYPE line.
 */
public final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern VALUE = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|NaN|[-+]Inf");
    private static final List<String> SUFFIXES = List.of("_total", "_count", "_sum", "_bucket", "_max", "_created", "_info");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    private PrometheusText() {
    }

    /** Parses {@code text}, throwing {@link IllegalArgumentException} at the first line that is not valid. */
    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        Set<String> series = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                if (i != lines.length - 1) {
                    throw bad(i, line, "empty line");
                }
                continue;
            }
            if (line.startsWith("#")) {
                Matcher t = TYPE.matcher(line);
                if (t.matches()) {
                    if (p.types.put(t.group(1), t.group(2)) != null) {
                        throw bad(i, line, "a second TYPE line for " + t.group(1));
                    }
                } else if (!HELP.matcher(line).matches() && (line.startsWith("# HELP") || line.startsWith("# TYPE"))) {
                    throw bad(i, line, "malformed HELP or TYPE");
                }
                continue;
            }
            Sample s;
            try {
                s = sample(i, line);
            } catch (StringIndexOutOfBoundsException e) {
                throw bad(i, line, "line ends early");
            }
            if (family(p.types, s.name()) == null) {
                throw bad(i, line, "no TYPE line declares the family of " + s.name());
            }
            if (!series.add(s.name() + new java.util.TreeMap<>(s.labels()))) {
                throw bad(i, line, "duplicate series");
            }
            p.samples.add(s);
        }
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the text does not end with a newline");
        }
        return p;
    }

    private static Sample sample(int i, String line) {
        Matcher n = NAME.matcher(line);
        if (!n.lookingAt()) {
            throw bad(i, line, "no metric name");
        }
        String name = n.group();
        int pos = n.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (pos < line.length() && line.charAt(pos) == '{') {
            pos++;
            while (line.charAt(pos) != '}') {
                Matcher ln = LABEL_NAME.matcher(line).region(pos, line.length());
                if (!ln.lookingAt()) {
                    throw bad(i, line, "bad label name at column " + pos);
                }
                pos = ln.end();
                if (!line.startsWith("=\"", pos)) {
                    throw bad(i, line, "expected =\" at column " + pos);
                }
                pos += 2;
                StringBuilder v = new StringBuilder();
                while (true) {
                    if (pos >= line.length()) {
                        throw bad(i, line, "unterminated label value");
                    }
                    char c = line.charAt(pos++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        char e = line.charAt(pos++);
                        switch (e) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw bad(i, line, "bad escape \\" + e);
                        }
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(ln.group(), v.toString()) != null) {
                    throw bad(i, line, "label " + ln.group() + " twice");
                }
                if (line.charAt(pos) == ',') {
                    pos++;
                } else if (line.charAt(pos) != '}') {
                    throw bad(i, line, "expected , or } at column " + pos);
                }
            }
            pos++;
        }
        if (pos >= line.length() || line.charAt(pos) != ' ') {
            throw bad(i, line, "expected a space before the value");
        }
        String[] rest = line.substring(pos + 1).split(" ", -1);
        if (rest.length > 2 || !VALUE.matcher(rest[0]).matches()
                || (rest.length == 2 && !rest[1].matches("-?\\d+"))) {
            throw bad(i, line, "expected 'value [timestamp]'");
        }
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(rest[0]);
        };
        return new Sample(name, labels, value);
    }

    private static String family(Map<String, String> types, String sampleName) {
        if (types.containsKey(sampleName)) {
            return sampleName;
        }
        for (String suffix : SUFFIXES) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static IllegalArgumentException bad(int index, String line, String why) {
        return new IllegalArgumentException("line " + (index + 1) + ": " + why + ": " + line);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Family name to type, from the TYPE lines. */
    public Map<String, String> types() {
        return types;
    }

    /** The declared families whose names start with {@code prefix}. */
    public Set<String> families(String prefix) {
        Set<String> out = new TreeSet<>();
        types.keySet().stream().filter(f -> f.startsWith(prefix)).forEach(out::add);
        return out;
    }

    /** The samples named exactly {@code name}. */
    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The value of the one sample named {@code name} with all of {@code labels} (others may differ). */
    public double value(String name, Map<String, String> labels) {
        List<Sample> match = samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
        if (match.size() != 1) {
            throw new AssertionError(match.size() + " samples of " + name + " with " + labels + "; have "
                    + samples(name));
        }
        return match.get(0).value();
    }
}
