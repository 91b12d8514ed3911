package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.app.KafkaProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** config/secure-example.yaml, the documented secured setup, stays loadable and free of secrets. */
class ConfigLoaderSecureExampleTest {
    private static final Path EXAMPLE = Path.of("config/secure-example.yaml");

    @Test
    void loadsAsASaslSslScramConfigWithSecretsLeftAsPlaceholders() {
        StreamlearnConfig c = ConfigLoader.load(EXAMPLE, Map.of());
        Map<String, String> kafka = c.kafka();
        assertEquals("SASL_SSL", kafka.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", kafka.get("sasl.mechanism"));
        String jaas = kafka.get("sasl.jaas.config");
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"${env:KAFKA_USERNAME}\" password=\"${env:KAFKA_PASSWORD}\";", jaas);
        assertEquals("org.apache.kafka.common.config.provider.EnvVarConfigProvider", kafka.get("config.providers.env.class"));
        assertTrue(kafka.get("config.providers").contains("env"));
        assertEquals(3, c.replicationFactor());
    }

    @Test
    void everyPasswordLikeValueIsAPlaceholder() throws IOException {
        for (Map<String, String> kafka : List.of(ConfigLoader.load(EXAMPLE, Map.of()).kafka(), mtlsVariant().kafka())) {
            kafka.forEach((key, value) -> {
                if (key.contains("password")) {
                    assertTrue(value.matches("\\$\\{(env|file):[^}]+}"), key + " is not a placeholder: " + value);
                }
            });
            assertFalse(Pattern.compile("password=\"(?!\\$\\{)").matcher(kafka.getOrDefault("sasl.jaas.config", "")).find());
        }
    }

    @Test
    void kafkaAcceptsTheClientProperties() throws IOException {
        for (StreamlearnConfig c : List.of(ConfigLoader.load(EXAMPLE, Map.of()), mtlsVariant())) {
            Map<String, Object> p = new HashMap<>(KafkaProperties.common(c));
            // Names and types only: the providers would read the example's files and directories,
            // which do not exist here (the integration test SaslScramIT resolves real ones).
            p.keySet().removeIf(k -> k.startsWith("config.providers"));
            AdminClientConfig parsed = new AdminClientConfig(p);
            assertEquals(c.kafka().get("security.protocol"), parsed.getString("security.protocol"));
        }
    }

    @Test
    void theMutualTlsVariantUsesTheFileProvider() throws IOException {
        Map<String, String> kafka = mtlsVariant().kafka();
        assertEquals("SSL", kafka.get("security.protocol"));
        assertEquals("${file:/etc/streamlearn/secrets/kafka.properties:keystore.password}", kafka.get("ssl.keystore.password"));
        assertEquals("org.apache.kafka.common.config.provider.FileConfigProvider", kafka.get("config.providers.file.class"));
    }

    /** The commented-out mTLS block, uncommented in place of the SASL section. */
    private static StreamlearnConfig mtlsVariant() throws IOException {
        List<String> lines = Files.readAllLines(EXAMPLE);
        int start = lines.indexOf("# kafka:");
        assertTrue(start > 0, "the example has a commented '# kafka:' variant");
        String variant = lines.subList(start, lines.size()).stream()
                .takeWhile(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^# ?", ""))
                .collect(Collectors.joining("\n"));
        String base = lines.subList(0, lines.indexOf("kafka:")).stream().collect(Collectors.joining("\n"));
        return ConfigLoader.fromYaml(base + "\n" + variant + "\n", Map.of());
    }
}
