package io.streamlearn.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in text meant for a terminal or a log: error messages and stack traces can quote a
 * setting or an argument (a mistyped {@code --set kafka.ssl.key.password=...}, a JAAS line), and a
 * password must not reach the screen, a CI log or a bug report even then.
 *
 * <p>It works on the shape of the text, not on known values: the values may come from config
 * providers this process never sees resolved.
 */
public final class Secrets {
    public static final String HIDDEN = "[hidden]";

    /**
     * {@code key=value} where the key names a secret: passwords, secrets, tokens, a JAAS line, a
     * PEM key given inline. The value is a quoted string or runs to the next space, comma or
     * semicolon. Only {@code =} counts as the separator: a colon is too common in prose.
     */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)([\\w.-]*(?:password|passwd|secret|token|credential|jaas\\.config|keystore\\.key|private\\.key)[\\w.-]*)"
                    + "(\\s*=\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;]+)");

    /** A PEM private key pasted into a value or echoed by a parser. */
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", Pattern.DOTALL);

    private Secrets() {
    }

    /** The text with every secret-looking value replaced by {@value #HIDDEN}; null stays null. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String s = PEM_KEY.matcher(text).replaceAll(HIDDEN);
        Matcher m = ASSIGNMENT.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + HIDDEN));
        }
        m.appendTail(out);
        return out.toString();
    }
}
