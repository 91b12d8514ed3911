/**
 * The embedded KRaft broker the demo, the tests and `streamlearn broker` run on.
 *
 * <p>May use: lifecycle. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.broker;
