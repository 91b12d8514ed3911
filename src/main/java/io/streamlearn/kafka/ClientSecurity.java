package io.streamlearn.kafka;

import io.streamlearn.config.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * What a client's security settings amount to, so that the user hears about a security problem in
 * words that point at the setting to fix: credentials that are missing or will not resolve (found
 * before connecting, hence at once), and an authentication the broker refused. Messages name
 * settings and placeholders, never a setting's value.
 */
public final class ClientSecurity {
    /** The JVM-wide JAAS file; when set, SASL credentials may come from there instead of the config. */
    static final String JAAS_FILE_PROPERTY = "java.security.auth.login.config";
    /** How the configuration's Kafka section is named to the user: {@code kafka.<property>}. */
    private static final String PREFIX = "kafka.";
    /** {@code ${provider:key}} or {@code ${provider:path:key}}, as Kafka's ConfigTransformer reads them. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*?):(?:([^}]*?):)?([^}]*?)}");

    private final Map<String, String> props = new TreeMap<>();
    private final UnaryOperator<String> env;

    private ClientSecurity(Map<?, ?> clientProperties, UnaryOperator<String> env) {
        clientProperties.forEach((k, v) -> props.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        this.env = env;
    }

    public static ClientSecurity of(Map<?, ?> clientProperties) {
        return new ClientSecurity(clientProperties, System::getenv);
    }

    /** For tests: the environment is given instead of read. */
    static ClientSecurity of(Map<?, ?> clientProperties, Map<String, String> environment) {
        return new ClientSecurity(clientProperties, environment::get);
    }

    public String protocol() {
        return props.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL).trim().toUpperCase(Locale.ROOT);
    }

    boolean sasl() {
        return protocol().startsWith("SASL_");
    }

    String mechanism() {
        return props.getOrDefault(SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM).trim();
    }

    /** "SASL_SSL SCRAM-SHA-512", "SSL", "PLAINTEXT". */
    public String describe() {
        return sasl() ? protocol() + " " + mechanism() : protocol();
    }

    /**
     * What cannot work, found without a connection: a SASL protocol with no credentials anywhere,
     * and placeholders whose environment variable or file key is missing. Kafka would leave such
     * a placeholder in place and send it as the password, and the user would only learn that
     * authentication failed.
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (sasl() && blank(props.get(SaslConfigs.SASL_JAAS_CONFIG)) && System.getProperty(JAAS_FILE_PROPERTY) == null) {
            out.add(PREFIX + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG + " is " + protocol()
                    + " but no credentials are set: add " + PREFIX + SaslConfigs.SASL_JAAS_CONFIG
                    + " (the login module with username and password, e.g. from ${env:...}; see config/secure-example.yaml)");
        }
        props.forEach((key, value) -> {
            if (value == null || key.startsWith("config.providers")) {
                return;
            }
            Matcher m = PLACEHOLDER.matcher(value);
            while (m.find()) {
                String problem = unresolved(m.group(1), m.group(2), m.group(3));
                if (problem != null) {
                    out.add(PREFIX + key + " refers to " + m.group() + " but " + problem);
                }
            }
        });
        return out;
    }

    /** Why a placeholder will not resolve, or null when it will (or when it is not ours to judge). */
    private String unresolved(String provider, String path, String key) {
        String providerClass = props.get("config.providers." + provider + ".class");
        if (providerClass == null || !listed(provider)) {
            return "no config provider '" + provider + "' is declared (set " + PREFIX + "config.providers and "
                    + PREFIX + "config.providers." + provider + ".class)";
        }
        if (providerClass.trim().equals(EnvVarConfigProvider.class.getName()) && path == null) {
            return env.apply(key) == null ? "the environment variable " + key + " is not set" : null;
        }
        if (providerClass.trim().equals(FileConfigProvider.class.getName()) && path != null) {
            Path file = Path.of(path);
            if (!Files.isReadable(file)) {
                return "the file " + path + " is missing or unreadable";
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                return null; // Kafka reports a file it cannot parse itself
            }
            return p.containsKey(key) ? null : "the file " + path + " has no key '" + key + "'";
        }
        return null;
    }

    private boolean listed(String provider) {
        String list = props.get("config.providers");
        if (list == null) {
            return false;
        }
        for (String alias : list.split(",")) {
            if (alias.trim().equals(provider)) {
                return true;
            }
        }
        return false;
    }

    /** The authentication failure in a chain of causes, or null when it was something else. */
    public static AuthenticationException authenticationFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof AuthenticationException a) {
                return a;
            }
        }
        return null;
    }

    /**
     * "authentication failed at HOST:PORT (SASL_SSL SCRAM-SHA-512): check the kafka.sasl.jaas.config
     * credentials (broker: ...)". The broker's reason is kept (it says "invalid credentials" or
     * names the mechanisms it accepts) but passed through {@link Secrets#redact} all the same.
     */
    public String authenticationFailed(String bootstrapServers, AuthenticationException e) {
        String reason = Secrets.redact(rootMessage(e));
        if (e instanceof SslAuthenticationException) {
            return "TLS handshake failed at " + bootstrapServers + " (" + describe() + "): check " + PREFIX
                    + "ssl.truststore.* (it must trust the broker's certificate) and, if the broker wants client certificates, "
                    + PREFIX + "ssl.keystore.* (" + reason + ")";
        }
        String hint = e instanceof SaslAuthenticationException
                ? "check the " + PREFIX + SaslConfigs.SASL_JAAS_CONFIG + " credentials"
                : "check " + PREFIX + SaslConfigs.SASL_MECHANISM + " and " + PREFIX + SaslConfigs.SASL_JAAS_CONFIG;
        return "authentication failed at " + bootstrapServers + " (" + describe() + "): " + hint + " (broker: " + reason + ")";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
