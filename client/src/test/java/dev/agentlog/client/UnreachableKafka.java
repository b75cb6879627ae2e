package dev.agentlog.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A Kafka address nobody listens on, for the paths where Kafka does not answer. */
final class UnreachableKafka {
    private UnreachableKafka() {}

    /** host:port of a local port that was free a moment ago and is closed now. */
    static String address() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
