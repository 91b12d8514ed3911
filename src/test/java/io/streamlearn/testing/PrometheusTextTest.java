package io.streamlearn.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test-side Prometheus reader accepts the format and nothing else, so a passing check means something. */
class PrometheusTextTest {
    private static final String GOOD = """
            # HELP requests_total Requests served
            # TYPE requests_total counter
            requests_total{path="/a",code="200"} 12.0
            requests_total{path="/b \\"quoted\\" \\\\ \\n",code="500"} 1
            # TYPE latency_seconds summary
            latency_seconds{quantile="0.5"} 1.5E-4
            latency_seconds_count 3
            latency_seconds_sum 4.5e-4 1764300000000
            # TYPE up gauge
            up NaN
            up{x="y"} +Inf
            """;

    @Test
    void readsValidText() {
        PrometheusText t = PrometheusText.parse(GOOD);
        assertEquals(7, t.samples().size());
        assertEquals(12, t.value("requests_total", Map.of("path", "/a")));
        assertEquals(1, t.value("requests_total", Map.of("path", "/b \"quoted\" \\ \n")));
        assertEquals(4.5e-4, t.value("latency_seconds_sum", Map.of()));
        assertEquals(Double.POSITIVE_INFINITY, t.value("up", Map.of("x", "y")));
        assertTrue(Double.isNaN(t.samples("up").get(0).value()));
        assertEquals("summary", t.types().get("latency_seconds"));
        assertEquals(3, t.families("").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "requests_total{path=\"/a\"} twelve\n",             // value not a number
            "requests_total{path=/a} 1\n",                      // unquoted label value
            "requests_total{path=\"/a\" 1\n",                   // unterminated labels
            "requests_total{path=\"/a\\x\"} 1\n",               // bad escape
            "requests_total{1path=\"/a\"} 1\n",                 // bad label name
            "requests_total{path=\"/a\"}1\n",                   // no space before the value
            "requests_total{path=\"/a\"} 1 2 3\n",              // too many fields
            "requests_total{path=\"/a\"} 1\nrequests_total{path=\"/a\"} 2\n", // duplicate series
            "unknown_family 1\n",                               // no TYPE line
            "requests_total 1",                                 // no final newline
            "requests_total 1\n\nrequests_total{a=\"b\"} 1\n",  // empty line inside
            "# TYPE requests_total countr\nrequests_total 1\n", // bad TYPE
    })
    void rejectsAnythingElse(String body) {
        String text = body.startsWith("# TYPE") ? body : "# TYPE requests_total counter\n" + body;
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(text), text);
    }
}
