package io.streamlearn.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListenerProbeTest {

    @Test
    void theRequestIsASaslHandshakeV1Frame() {
        ByteBuffer b = ByteBuffer.wrap(ListenerProbe.handshakeRequest());
        assertEquals(b.capacity() - 4, b.getInt(), "size prefix");
        assertEquals(17, b.getShort(), "api key SaslHandshake");
        assertEquals(1, b.getShort(), "version");
        b.getInt(); // correlation id
        byte[] client = new byte[b.getShort()];
        b.get(client);
        byte[] mechanism = new byte[b.getShort()];
        b.get(mechanism);
        assertEquals("PLAIN", new String(mechanism, StandardCharsets.UTF_8));
        assertEquals(0, b.remaining());
    }

    @Test
    void aSaslListenerNamesItsMechanisms() throws IOException {
        assertEquals(Optional.of("SASL (mechanisms [SCRAM-SHA-256, SCRAM-SHA-512])"),
                ListenerProbe.interpret(response((short) 33, List.of("SCRAM-SHA-256", "SCRAM-SHA-512"))));
        assertEquals(Optional.of("SASL (mechanisms [PLAIN])"), ListenerProbe.interpret(response((short) 0, List.of("PLAIN"))));
    }

    @Test
    void aPlaintextListenerOrSilenceIsNoVerdict() throws IOException {
        assertEquals(Optional.empty(), ListenerProbe.interpret(response((short) 34, List.of())));
        assertEquals(Optional.empty(), ListenerProbe.interpret(new DataInputStream(new ByteArrayInputStream(new byte[0]))));
    }

    @Test
    void aTlsAlertMeansTls() throws IOException {
        byte[] alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
        assertEquals(Optional.of("TLS"), ListenerProbe.interpret(new DataInputStream(new ByteArrayInputStream(alert))));
    }

    @Test
    void probesOverTheNetworkAndGivesUpQuietlyWhenNobodyListens() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread fake = new Thread(() -> {
                try (Socket s = server.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    in.readFully(new byte[in.readInt()]);
                    s.getOutputStream().write(response((short) 33, List.of("SCRAM-SHA-256")).readAllBytes());
                } catch (IOException ignored) {
                    // the probe hung up
                }
            });
            fake.start();
            assertEquals(Optional.of("SASL (mechanisms [SCRAM-SHA-256])"),
                    ListenerProbe.securityWanted("127.0.0.1:" + server.getLocalPort(), 2000));
            fake.join(2000);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertEquals(Optional.empty(), ListenerProbe.securityWanted("127.0.0.1:" + closed, 500));
        assertEquals(Optional.empty(), ListenerProbe.securityWanted("no-port", 500));
    }

    private static DataInputStream response(short error, List<String> mechanisms) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(0x5EC);
        d.writeShort(error);
        d.writeInt(mechanisms.size());
        for (String m : mechanisms) {
            byte[] b = m.getBytes(StandardCharsets.UTF_8);
            d.writeShort(b.length);
            d.write(b);
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        DataOutputStream f = new DataOutputStream(frame);
        f.writeInt(body.size());
        f.write(body.toByteArray());
        return new DataInputStream(new ByteArrayInputStream(frame.toByteArray()));
    }
}
