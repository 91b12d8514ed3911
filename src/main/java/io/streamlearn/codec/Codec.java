package io.streamlearn.codec;

/**
 * Turns the bytes of one topic into a typed value and back. Decoding throws
 * {@link InvalidRecordException} with the dead-letter reason; it never returns null.
 * Instances may reuse internal buffers, so each stream thread uses its own.
 */
public interface Codec<T> {
    T decode(byte[] bytes);

    byte[] encode(T value);
}
