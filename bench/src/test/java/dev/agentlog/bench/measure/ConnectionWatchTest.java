package dev.agentlog.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionWatchTest {
    @Test
    void shouldTakeTheClientsEndOfAnEstablishedConnectionToThePort() {
        String client = "   3: 0100007F:C5A2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 1";
        String server = "   4: 0100007F:1F90 0100007F:C5A2 01 00000000:00000000 00:00000000 00000000     0        0 2";
        String listening = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3";
        String closing = "   5: 0100007F:C5A4 0100007F:1F90 06 00000000:00000000 00:00000000 00000000     0        0 4";

        assertThat(ConnectionWatch.clientEnd(client, "1F90")).isEqualTo("0100007F:C5A2");
        assertThat(ConnectionWatch.clientEnd(server, "1F90")).isNull();
        assertThat(ConnectionWatch.clientEnd(listening, "1F90")).isNull();
        assertThat(ConnectionWatch.clientEnd(closing, "1F90")).isNull();
        assertThat(ConnectionWatch.clientEnd("  sl  local_address rem_address   st", "1F90")).isNull();
    }

    @Test
    void shouldCountEveryConnectionOpenedToThePortWhileItRuns() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ConnectionWatch watch = ConnectionWatch.start(server.getLocalPort())) {
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    clients.add(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (watch.seen() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(10); // poll interval of a bounded wait on a condition
                }
                assertThat(watch.seen()).isEqualTo(3);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
        }
    }
}
