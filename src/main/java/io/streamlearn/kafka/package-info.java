/**
 * Client-side Kafka helpers: typed topics (Topic, Topics), topic creation and checks (TopicAdmin),
 * client security, delivery checks.
 *
 * <p>May use: avro, codec, config. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.kafka;
