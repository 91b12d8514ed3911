package io.streamlearn.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs Kafka: its tests may declare a {@link KafkaCluster} parameter.
 * Short for {@code @ExtendWith(KafkaBroker.class)}, plus the tag {@code kafka} so such tests can
 * be selected or left out as a group.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(KafkaBroker.class)
@Tag("kafka")
public @interface WithKafka {
}
