package dev.agentlog.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator's connection against a real socket server that answers as told. */
class KeptAliveConnectionTest {
    private static final String LENGTH = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
            + "{\"ok\":true}";
    private static final String CHUNKED = "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4\r\n{\"a\"\r\n3;x=y\r\n:1}\r\n0\r\nTrailer: t\r\n\r\n";
    private static final String CLOSING = "HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
    private static final String REFUSED = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\n{}";

    private Server server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldSendEveryRequestOverOneConnection() throws Exception {
        server = new Server(LENGTH, Integer.MAX_VALUE);
        KeptAliveConnection c = new KeptAliveConnection("127.0.0.1", server.port(), null);

        for (int i = 0; i < 5; i++) {
            assertThat(c.exchange(request("{\"n\":" + i + "}")).status()).isEqualTo(202);
        }
        c.close();

        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.bodies).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
    }

    @Test
    void shouldReadAChunkedAnswerToItsEndAndKeepTheConnection() throws Exception {
        server = new Server(CHUNKED, Integer.MAX_VALUE);
        KeptAliveConnection c = new KeptAliveConnection("127.0.0.1", server.port(), null);

        assertThat(c.exchange(request("{}")).status()).isEqualTo(202);
        assertThat(c.exchange(request("{}")).status()).isEqualTo(202);
        c.close();

        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void shouldOpenANewConnectionAfterConnectionClose() throws Exception {
        server = new Server(CLOSING, Integer.MAX_VALUE);
        KeptAliveConnection c = new KeptAliveConnection("127.0.0.1", server.port(), null);

        assertThat(c.exchange(request("{}")).status()).isEqualTo(202);
        assertThat(c.exchange(request("{}")).status()).isEqualTo(202);
        c.close();

        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void shouldSendOnceMoreOnAFreshConnectionWhenTheServerDroppedTheKeptOne() throws Exception {
        server = new Server(LENGTH, 1); // closes each connection after one answer, without saying so
        KeptAliveConnection c = new KeptAliveConnection("127.0.0.1", server.port(), null);

        for (int i = 0; i < 3; i++) {
            assertThat(c.exchange(request("{\"n\":" + i + "}")).status()).isEqualTo(202);
        }
        c.close();

        assertThat(server.bodies).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}"); // none sent twice
        assertThat(server.connections.get()).isEqualTo(3);
    }

    @Test
    void shouldGiveTheStatusOfARefusal() throws Exception {
        server = new Server(REFUSED, Integer.MAX_VALUE);
        KeptAliveConnection c = new KeptAliveConnection("127.0.0.1", server.port(), null);

        assertThat(c.exchange(request("{}")).status()).isEqualTo(401);
        c.close();
    }

    @Test
    void shouldFailWithoutSendingTwiceWhenAFreshConnectionGetsNoAnswer() throws Exception {
        server = new Server(LENGTH, 0); // closes every connection at once
        KeptAliveConnection c = new KeptAliveConnection("127.0.0.1", server.port(), null);

        assertThatThrownBy(() -> c.exchange(request("{}"))).isInstanceOf(KeptAliveConnection.NotAnsweredException.class);
        c.close();
        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void shouldRefuseSomethingThatIsNotAnHttpStatusLine() {
        assertThatThrownBy(() -> KeptAliveConnection.status("SSH-2.0-OpenSSH")).isInstanceOf(IOException.class);
    }

    private static byte[] request(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + b.length + "\r\n\r\n";
        byte[] all = new byte[head.length() + b.length];
        System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, all, 0, head.length());
        System.arraycopy(b, 0, all, head.length(), b.length);
        return all;
    }

    /** Accepts connections, reads requests (Content-Length bodies), answers each with {@code answer}. */
    private static final class Server implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;
        private final String answer;
        private final int answersPerConnection;

        Server(String answer, int answersPerConnection) throws IOException {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.answer = answer;
            this.answersPerConnection = answersPerConnection;
            Thread acceptor = new Thread(this::accept, "test-http-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s), "test-http-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
                for (int answered = 0; answered < answersPerConnection; answered++) {
                    int length = -1;
                    String line;
                    boolean any = false;
                    while ((line = line(in)) != null && !line.isEmpty()) {
                        any = true;
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    if (!any) {
                        return; // the client closed it
                    }
                    bodies.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (answer.contains("Connection: close")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
