package io.streamlearn.codec;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro (1.12.2 on) refuses to instantiate generated classes from packages it does not trust;
 * ours are trusted once, by whichever codec class loads first.
 */
final class AvroTrust {
    static {
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                ClassSecurityValidator.getGlobal(),
                c -> c.getName().startsWith("io.streamlearn.avro.")));
    }

    private AvroTrust() {
    }

    /** Runs the static initialiser above (at most once, as the JVM guarantees). */
    static void ourGeneratedClasses() {
    }
}
