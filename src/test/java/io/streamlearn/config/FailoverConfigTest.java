package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FailoverConfigTest {

    @Test
    void dynamicMembershipSixSecondsAndNoStandbysByDefault() {
        FailoverConfig f = ConfigLoader.defaults().failover();
        assertNull(f.instanceId());
        assertEquals(6_000, f.sessionTimeoutMs());
        assertEquals(1_000, f.heartbeatIntervalMs());
        assertEquals(0, f.standbyReplicas());
    }

    @Test
    void readsTheSectionAndItsOverrides() {
        StreamlearnConfig c = ConfigLoader.fromYaml("""
                failover: {instanceId: learner-0, sessionTimeoutMs: 9000, standbyReplicas: 1}
                """, Map.of("failover.instanceId", "learner-1"));
        assertEquals(new FailoverConfig("learner-1", 9_000, 1), c.failover());
        assertEquals(1_500, c.failover().heartbeatIntervalMs());
        assertEquals(3_000, new FailoverConfig(null, 60_000, 0).heartbeatIntervalMs());
    }

    @Test
    void refusesBadValuesAndTheKafkaSettingsItOwns() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml("""
                failover: {instanceId: "two words", sessionTimeoutMs: 10, standbyReplicas: -1, colour: blue}
                kafka:
                  num.standby.replicas: 1
                  consumer.session.timeout.ms: 10000
                  main.consumer.group.instance.id: x
                  producer.transaction.timeout.ms: 5000
                """, Map.of()));
        String msg = e.getMessage();
        for (String s : new String[] {"failover.instanceId: 'two words'", "failover.sessionTimeoutMs: must be between 1000",
                "failover.standbyReplicas", "failover.colour: unknown key",
                "kafka.num.standby.replicas: set failover.standbyReplicas instead",
                "kafka.consumer.session.timeout.ms: set failover.sessionTimeoutMs instead",
                "kafka.main.consumer.group.instance.id: set failover.instanceId instead"}) {
            assertTrue(msg.contains(s), "message mentions " + s + ":\n" + msg);
        }
        assertTrue(!msg.contains("transaction.timeout.ms"), "other client settings pass through:\n" + msg);
    }

    @Test
    void onlyTheSettingsItOwnsAreClaimed() {
        assertEquals("instanceId", FailoverConfig.ownerOf("group.instance.id"));
        assertEquals("sessionTimeoutMs", FailoverConfig.ownerOf("heartbeat.interval.ms"));
        assertEquals("standbyReplicas", FailoverConfig.ownerOf("num.standby.replicas"));
        assertNull(FailoverConfig.ownerOf("consumer.num.standby.replicas"));
        assertNull(FailoverConfig.ownerOf("restore.consumer.session.timeout.ms"));
        assertNull(FailoverConfig.ownerOf("security.protocol"));
    }
}
