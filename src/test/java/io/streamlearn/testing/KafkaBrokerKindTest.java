package io.streamlearn.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Which cluster the integration tests get: a forced kind, else Testcontainers exactly when Docker answers. */
class KafkaBrokerKindTest {
    private static final BooleanSupplier NOT_ASKED = () -> {
        throw new AssertionError("Docker must not be asked when the kind is forced");
    };

    @Test
    void dockerDecidesWhenNothingIsForced() {
        assertEquals(KafkaCluster.TESTCONTAINERS, KafkaBroker.chooseKind("", () -> true));
        assertEquals(KafkaCluster.EMBEDDED, KafkaBroker.chooseKind("", () -> false));
        assertEquals(KafkaCluster.EMBEDDED, KafkaBroker.chooseKind("  ", () -> false));
    }

    @Test
    void aForcedKindWinsWithoutAskingDocker() {
        assertEquals(KafkaCluster.EMBEDDED, KafkaBroker.chooseKind("embedded", NOT_ASKED));
        assertEquals(KafkaCluster.TESTCONTAINERS, KafkaBroker.chooseKind(" Testcontainers ", NOT_ASKED));
    }

    @Test
    void anUnknownKindIsRefusedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaBroker.chooseKind("docker", NOT_ASKED));
        assertTrue(e.getMessage().contains(KafkaBroker.KIND_PROPERTY) && e.getMessage().contains("docker"), e.getMessage());
    }
}
