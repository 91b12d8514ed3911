package io.streamlearn.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Asks the OS for a free loopback port. The port is released before Kafka binds it, so another
 * process could take it in between; that race is acceptable for tests and a local demo, and it is
 * the price for handing Kafka a concrete port (a static controller voter cannot use port 0).
 */
final class LoopbackPorts {

    static final String HOST = "127.0.0.1";

    private LoopbackPorts() {
    }

    static int free() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    /**
     * Fails with a one-line message if {@code port} is taken. Kafka would find out too, but only
     * after half a startup and with several stack traces in the log; a taken port is an ordinary
     * mistake (another broker on 9092), not a crash.
     */
    static void requireFree(int port, String purpose) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        } catch (BindException e) {
            throw new BrokerStartException(purpose + " " + HOST + ":" + port + " is already in use", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not check " + HOST + ":" + port, e);
        }
    }
}
