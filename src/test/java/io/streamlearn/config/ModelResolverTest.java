package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelResolverTest {
    private final ModelResolver resolver = new ModelResolver(ConfigLoader.fromYaml("""
            defaultModel: blobs
            models:
              - {id: blobs, inputSize: 2}
              - {id: fraud, inputSize: 3}
              - {id: "é", inputSize: 1}
            """, Map.of()));

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theValuesModelFieldWinsOverTheKey() {
        assertEquals("fraud", resolver.resolve("fraud", key("blobs")));
    }

    @Test
    void aKeyNamingADeclaredModelPicksIt() {
        assertEquals("fraud", resolver.resolve(null, key("fraud")));
        assertEquals("é", resolver.resolve(null, key("é")), "ids are compared as UTF-8 bytes");
    }

    @Test
    void otherKeysFallBackToTheDefault() {
        assertEquals("blobs", resolver.resolve(null, key("fraux")), "same length as an id, not an id");
        assertEquals("blobs", resolver.resolve(null, key("123456")));
        assertEquals("blobs", resolver.resolve(null, key("e")), "one byte, where the only short id is two");
        assertEquals("blobs", resolver.resolve(null, new byte[0]));
        assertEquals("blobs", resolver.resolve(null, null));
        assertEquals("blobs", resolver.resolve(null, new byte[1000]));
    }

    @Test
    void anUndeclaredModelFieldHasNoModelAndIsSaidSo() {
        assertNull(resolver.resolve("nope", key("blobs")), "the field wins, even over a key naming a model");
        assertEquals("model 'nope' is not declared (declared: [blobs, fraud, é])", resolver.notDeclared("nope"));
    }
}
