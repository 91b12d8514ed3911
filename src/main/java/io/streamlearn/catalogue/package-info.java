/**
 * The model catalogue on its topic: reading it, seeding it from the configuration file at start
 * ({@link io.streamlearn.catalogue.CatalogueSeeding}) and changing it with the same checks as the
 * file ({@link io.streamlearn.catalogue.CatalogueEditor}, behind {@code streamlearn model} and the
 * HTTP API). The topology follows the topic itself; this package only reads and writes it.
 * May use: avro, codec, config, kafka, snapshot.
 */
package io.streamlearn.catalogue;
