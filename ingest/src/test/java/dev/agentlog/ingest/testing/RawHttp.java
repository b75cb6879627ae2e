package dev.agentlog.ingest.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 client that sends exactly the bytes it is given: what real clients refuse to send (NUL in a
 * path, bytes that are not UTF-8, a request trickled one byte at a time) is what these tests need. Reads
 * answers with a {@code Content-Length} (Jetty's, here, always have one).
 */
public final class RawHttp implements Closeable {
    private final Socket socket;
    private final PushbackInputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        this.in = new PushbackInputStream(socket.getInputStream(), 1);
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawHttp connectTls(int port, SSLContext context) {
        try {
            return new RawHttp(context.getSocketFactory().createSocket("127.0.0.1", port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One answer. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A request with {@code Content-Length}; {@code head} is the request line and headers without the blank line. */
    public static byte[] request(String head, byte[] body) {
        String full = head + (body.length > 0 || head.startsWith("POST") ? "\r\nContent-Length: " + body.length : "")
                + "\r\n\r\n";
        byte[] start = full.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[start.length + body.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one byte; false when the server has closed the connection (the write failed). */
    public boolean trySendByte(byte b) {
        try {
            out.write(b);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Response read() {
        try {
            String head = readHead();
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@link #poll} saw. */
    public enum Polled { NOTHING_YET, ANSWER_STARTED, CLOSED }

    /**
     * Waits up to {@code timeoutMs} for the server: an answer starting (its first byte is kept for
     * {@link #read()}), the connection closed, or nothing. Doubles as the pace of a slow client.
     */
    public Polled poll(int timeoutMs) {
        try {
            socket.setSoTimeout(timeoutMs);
            int b = in.read();
            if (b < 0) {
                return Polled.CLOSED;
            }
            in.unread(b);
            return Polled.ANSWER_STARTED;
        } catch (SocketTimeoutException e) {
            return Polled.NOTHING_YET;
        } catch (SocketException e) {
            return Polled.CLOSED; // reset by the server
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout(30_000);
            } catch (SocketException e) {
                // the socket is gone; the next call says so
            }
        }
    }

    /** Whether the server closed the connection: the next read ends (or resets) instead of timing out. */
    public boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the server
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection before an answer (read: "
                        + head.toString(StandardCharsets.ISO_8859_1) + ")");
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a test socket
        }
    }
}
