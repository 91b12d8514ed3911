package io.streamlearn.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSecurityTest {
    private static final String SECRET = "s3cr3t-value";
    private static final String ENV_PROVIDER = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
    private static final String FILE_PROVIDER = "org.apache.kafka.common.config.provider.FileConfigProvider";

    private static Map<String, String> scram(String jaas) {
        return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas,
                "config.providers", "env, file", "config.providers.env.class", ENV_PROVIDER,
                "config.providers.file.class", FILE_PROVIDER);
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"" + password + "\";";
    }

    @Test
    void describesProtocolAndMechanism() {
        assertEquals("PLAINTEXT", ClientSecurity.of(Map.of()).describe());
        assertEquals("SSL", ClientSecurity.of(Map.of("security.protocol", "ssl")).describe());
        assertEquals("SASL_SSL SCRAM-SHA-512", ClientSecurity.of(scram(jaas(SECRET))).describe());
        assertEquals("SASL_PLAINTEXT GSSAPI", ClientSecurity.of(Map.of("security.protocol", "SASL_PLAINTEXT")).describe());
    }

    @Test
    void plainAndCompleteSettingsHaveNoProblems() {
        assertEquals(List.of(), ClientSecurity.of(Map.of("bootstrap.servers", "b:9092")).problems());
        assertEquals(List.of(), ClientSecurity.of(scram(jaas(SECRET)), Map.of()).problems());
        assertEquals(List.of(), ClientSecurity.of(scram(jaas("${env:PW}")), Map.of("PW", SECRET)).problems());
    }

    @Test
    void saslWithoutAJaasLineIsMissingCredentials() {
        List<String> p = ClientSecurity.of(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512")).problems();
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("kafka.security.protocol is SASL_SSL but no credentials are set: add kafka.sasl.jaas.config"),
                p.get(0));
    }

    @Test
    void anUnsetEnvironmentVariableIsNamed() {
        List<String> p = ClientSecurity.of(scram(jaas("${env:SL_PASSWORD}")), Map.of()).problems();
        assertEquals(List.of("kafka.sasl.jaas.config refers to ${env:SL_PASSWORD} but the environment variable SL_PASSWORD is not set"), p);
    }

    @Test
    void aPlaceholderWithoutItsProviderIsNamed() {
        List<String> p = ClientSecurity.of(Map.of("ssl.keystore.password", "${vault:secret/kafka:pw}")).problems();
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("kafka.ssl.keystore.password refers to ${vault:secret/kafka:pw} but no config provider 'vault'"),
                p.get(0));
    }

    @Test
    void fileKeysAreCheckedWithoutRepeatingTheFile(@TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("kafka.properties");
        Files.writeString(secrets, "password=" + SECRET + "\n");
        assertEquals(List.of(), ClientSecurity.of(scram(jaas("${file:" + secrets + ":password}"))).problems());

        List<String> missingKey = ClientSecurity.of(scram(jaas("${file:" + secrets + ":pw}"))).problems();
        assertEquals(List.of("kafka.sasl.jaas.config refers to ${file:" + secrets + ":pw} but the file " + secrets
                + " has no key 'pw'"), missingKey);
        List<String> missingFile = ClientSecurity.of(scram(jaas("${file:" + dir.resolve("nope") + ":password}"))).problems();
        assertEquals(1, missingFile.size());
        assertTrue(missingFile.get(0).endsWith("is missing or unreadable"), missingFile.get(0));
        assertFalse(String.join("", missingKey).contains(SECRET));
    }

    @Test
    void findsTheAuthenticationFailureInACauseChain() {
        SaslAuthenticationException refused = new SaslAuthenticationException("invalid credentials");
        assertSame(refused, ClientSecurity.authenticationFailure(new ExecutionException(new KafkaException("x", refused))));
        assertNull(ClientSecurity.authenticationFailure(new ExecutionException(new KafkaException("timeout"))));
    }

    @Test
    void aRefusedLoginNamesTheSettingToCheckButNoValue() {
        ClientSecurity s = ClientSecurity.of(scram(jaas(SECRET)));
        String sasl = s.authenticationFailed("b:9093", new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"));
        assertEquals("authentication failed at b:9093 (SASL_SSL SCRAM-SHA-512): check the kafka.sasl.jaas.config credentials "
                + "(broker: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512)", sasl);

        String mechanism = s.authenticationFailed("b:9093", new UnsupportedSaslMechanismException(
                "Client SASL mechanism 'SCRAM-SHA-512' not enabled in the server, enabled mechanisms are [PLAIN]"));
        assertTrue(mechanism.contains("check kafka.sasl.mechanism and kafka.sasl.jaas.config"), mechanism);

        String tls = ClientSecurity.of(Map.of("security.protocol", "SSL")).authenticationFailed("b:9093",
                new SslAuthenticationException("SSL handshake failed", new RuntimeException("PKIX path building failed")));
        assertTrue(tls.startsWith("TLS handshake failed at b:9093 (SSL): check kafka.ssl.truststore.*"), tls);
        assertTrue(tls.endsWith("(PKIX path building failed)"), tls);

        String echoed = s.authenticationFailed("b:9093", new SaslAuthenticationException("bad password=" + SECRET));
        assertFalse(echoed.contains(SECRET), echoed);
    }
}
