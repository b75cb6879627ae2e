package dev.agentlog.bench.run;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One sender's HTTP/1.1 connection, kept alive from request to request: each request goes out in one write (head and
 * body together, as Python's {@code http.client} sends a small body, so Letta's requests arrive whole), the answer's
 * head is read and its body skipped ({@code Content-Length} or chunked). No thread of its own, nothing pooled: the
 * cheapest client there is, so that the bench's CPU goes to the servers it measures. Over TLS the socket is the JDK's
 * ({@code SSLSocket}), which checks that the certificate names the address. A connection idle for 5 s is not trusted
 * (a server may have closed it: Jetty's and the JDK server's idle timeouts are 30 s) and is replaced before the next
 * request; one that the server closed without answering is replaced and the request sent once more. Not thread-safe:
 * one sender thread each.
 */
final class KeptAliveConnection implements AutoCloseable {
    private static final long IDLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int READ_TIMEOUT_MS = 30_000;

    /** The request got no answer at all: the connection failed before the first byte of a status line. */
    static final class NotAnsweredException extends IOException {
        NotAnsweredException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What one request got: its status and when the status line was read ({@link System#nanoTime()}). */
    record Answer(int status, long statusLineNanos) {}

    private final String host;
    private final int port;
    private final SSLContext tls;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private long lastUsedNanos;
    private String tlsSession;

    KeptAliveConnection(String host, int port, SSLContext tls) {
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    /** The protocol and cipher suite of the TLS session, or null (plain HTTP, or not connected yet). */
    String tlsSession() {
        return tlsSession;
    }

    /** Sends {@code request} (a whole HTTP/1.1 request, head and body) and reads the answer. */
    Answer exchange(byte[] request) throws IOException {
        boolean reused = socket != null && System.nanoTime() - lastUsedNanos < IDLE_LIMIT_NANOS;
        if (!reused) {
            close();
            open();
        }
        try {
            return send(request);
        } catch (NotAnsweredException e) {
            if (!reused) {
                throw e;
            }
            // the server closed the kept-alive connection before it answered: a fresh one, once
            open();
            return send(request);
        }
    }

    private Answer send(byte[] request) throws IOException {
        try {
            String statusLine;
            try {
                out.write(request);
                out.flush();
                statusLine = line();
            } catch (java.net.SocketTimeoutException e) {
                throw e; // the server has the request and is slow: not to be sent twice
            } catch (IOException e) {
                throw new NotAnsweredException("no answer: " + e.getMessage(), e);
            }
            if (statusLine == null) {
                throw new NotAnsweredException("the server closed the connection without answering", null);
            }
            long statusLineNanos = System.nanoTime();
            int status = status(statusLine);
            long length = -1;
            boolean chunked = false;
            boolean keepAlive = true;
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            if (chunked) {
                skipChunked();
            } else if (length > 0) {
                skip(length);
            } else if (length < 0) {
                keepAlive = false; // a body without a length runs to the close: not this client's business
            }
            lastUsedNanos = System.nanoTime();
            if (!keepAlive) {
                close();
            }
            return new Answer(status, statusLineNanos);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void open() throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        plain.setSoTimeout(READ_TIMEOUT_MS);
        Socket s = plain;
        if (tls != null) {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the address
            ssl.setSSLParameters(parameters);
            ssl.startHandshake();
            tlsSession = ssl.getSession().getProtocol() + ", " + ssl.getSession().getCipherSuite();
            s = ssl;
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = s.getOutputStream();
        lastUsedNanos = System.nanoTime();
    }

    /** One CRLF-terminated line of the answer's head (ISO-8859-1), null at the end of the stream. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        return Integer.parseInt(parts[1]);
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the answer's body ended early");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private void skipChunked() throws IOException {
        while (true) {
            String size = line();
            if (size == null) {
                throw new EOFException("the chunked body ended early");
            }
            int semicolon = size.indexOf(';');
            long n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (n == 0) {
                for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                    // trailers skipped
                }
                return;
            }
            skip(n);
            line(); // the CRLF after the chunk
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
