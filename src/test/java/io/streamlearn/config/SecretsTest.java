package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void hidesThePasswordOfAJaasLineButKeepsTheUser() {
        String s = Secrets.redact("Unmatched argument: 'kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"alice\" password=\"p4ss w0rd\";'");
        assertFalse(s.contains("p4ss"), s);
        assertFalse(s.contains("w0rd"), s);
        assertTrue(s.contains("username=\"alice\""), s);
        assertTrue(s.contains("password=[hidden]"), s);
    }

    @Test
    void hidesPasswordLikeProperties() {
        assertEquals("--set kafka.ssl.key.password=[hidden] and ssl.truststore.password = [hidden], more",
                Secrets.redact("--set kafka.ssl.key.password=hunter2 and ssl.truststore.password = 'x y', more"));
        assertEquals("sasl.oauthbearer.client.credentials.client.secret=[hidden]",
                Secrets.redact("sasl.oauthbearer.client.credentials.client.secret=abc"));
        assertEquals("SECRET_TOKEN=[hidden];", Secrets.redact("SECRET_TOKEN=abc;"));
    }

    @Test
    void hidesAnInlinePemKey() {
        String s = Secrets.redact("bad value -----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY----- end");
        assertEquals("bad value [hidden] end", s);
    }

    @Test
    void leavesOrdinaryMessagesAlone() {
        String m = "authentication failed at 127.0.0.1:9093 (SASL_SSL SCRAM-SHA-512): check the kafka.sasl.jaas.config "
                + "credentials (broker: Authentication failed during authentication due to invalid credentials)";
        assertEquals(m, Secrets.redact(m));
        assertEquals("--set topics.partitions=4", Secrets.redact("--set topics.partitions=4"));
        assertNull(Secrets.redact(null));
    }
}
