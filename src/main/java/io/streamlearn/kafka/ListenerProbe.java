package io.streamlearn.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds out whether a listener wants SASL or TLS when a plaintext client gets no answer from it.
 * Such a listener does not refuse a plaintext client: it drops the connection at the first
 * ordinary request, and the client retries until its timeout, which reads as "no broker". One
 * SaslHandshake request (Kafka protocol, API key 17, version 1) tells them apart: a SASL listener
 * answers with the mechanisms it accepts, a plaintext one with ILLEGAL_SASL_STATE, a TLS one with
 * a TLS alert. Only a clear answer counts; anything else leaves the caller's verdict as it was.
 */
final class ListenerProbe {
    private static final short SASL_HANDSHAKE = 17;
    private static final short VERSION = 1;
    private static final int CORRELATION_ID = 0x5EC;
    private static final String CLIENT_ID = "streamlearn-probe";
    /** Asked for on purpose: a listener that does not offer it names the ones it does. */
    private static final String MECHANISM = "PLAIN";
    private static final short NONE = 0;
    private static final short UNSUPPORTED_SASL_MECHANISM = 33;
    /** A TLS record of type alert, versions 3.x: the first bytes a TLS endpoint sends back to garbage. */
    private static final int TLS_ALERT = 0x15;
    private static final int TLS_MAJOR = 0x03;
    private static final int MAX_RESPONSE = 64 * 1024;

    private ListenerProbe() {
    }

    /** What the listener wants, in words for the user; empty when it is plaintext or did not say. */
    static Optional<String> securityWanted(String hostPort, int timeoutMs) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host.trim(), port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.write(handshakeRequest());
            out.flush();
            return interpret(new DataInputStream(s.getInputStream()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not reachable or no clear answer: the caller's message stands
        }
    }

    static byte[] handshakeRequest() {
        byte[] client = CLIENT_ID.getBytes(StandardCharsets.UTF_8);
        byte[] mechanism = MECHANISM.getBytes(StandardCharsets.UTF_8);
        int size = 2 + 2 + 4 + 2 + client.length + 2 + mechanism.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + size);
        b.putInt(size).putShort(SASL_HANDSHAKE).putShort(VERSION).putInt(CORRELATION_ID);
        b.putShort((short) client.length).put(client);
        b.putShort((short) mechanism.length).put(mechanism);
        return b.array();
    }

    static Optional<String> interpret(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return Optional.empty();
        }
        int second = in.read();
        if (first == TLS_ALERT && second == TLS_MAJOR) {
            return Optional.of("TLS");
        }
        int size = (first << 24) | (second << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        if (size < 10 || size > MAX_RESPONSE || in.readInt() != CORRELATION_ID) {
            return Optional.empty();
        }
        short error = in.readShort();
        if (error != NONE && error != UNSUPPORTED_SASL_MECHANISM) {
            return Optional.empty(); // ILLEGAL_SASL_STATE: a plaintext listener
        }
        int count = in.readInt();
        List<String> mechanisms = new ArrayList<>();
        for (int i = 0; i < count && i < 32; i++) {
            byte[] name = new byte[in.readShort()];
            in.readFully(name);
            mechanisms.add(new String(name, StandardCharsets.UTF_8));
        }
        return Optional.of("SASL (mechanisms " + mechanisms + ")");
    }
}
