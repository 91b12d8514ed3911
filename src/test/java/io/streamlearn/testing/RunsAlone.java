package io.streamlearn.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * An integration test that keeps both cores busy (hundreds of thousands of records, many child
 * JVMs) or bounds how long something takes: the build runs these one at a time, before the
 * others run side by side (pom.xml, failsafe's executions), so neither slows the other past its
 * timeouts.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("alone")
public @interface RunsAlone {
}
