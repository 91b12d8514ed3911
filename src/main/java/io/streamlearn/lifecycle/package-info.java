/**
 * Stopping in order: one shutdown hook that closes what was started, last started first.
 *
 * <p>May use: nothing of streamlearn. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.lifecycle;
