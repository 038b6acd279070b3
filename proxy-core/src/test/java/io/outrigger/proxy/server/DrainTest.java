package io.outrigger.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Ports;
import io.outrigger.proxy.testing.Snapshots;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Graceful drain in process: state, refusal of new connections, and the end of the drain time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainTest {
    @Test
    void drainReportsDrainingRefusesNewConnectionsAndClosesWhatIsLeftWhenTheDrainTimeEnds() throws Exception {
        Duration drainTime = Duration.ofSeconds(2);
        int port = Ports.free();
        try (Backend backend = Backend.echo();
             ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0,
                     List.of(Snapshots.tcpListener("l", port, Snapshots.tcpProxy("tcp", "backend"))),
                     List.of(Snapshots.staticCluster("backend", Duration.ofSeconds(1), backend.port()))),
                     InProcessProxy.options(3).withDrainTime(drainTime));
             Socket idle = new Socket("127.0.0.1", port)) {
            idle.setSoTimeout(30_000);
            idle.getOutputStream().write(7);
            assertThat(idle.getInputStream().read()).isEqualTo(7);
            int adminPort = server.adminAddress().getPort();
            long start = System.nanoTime();

            server.drainAndStop();

            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("DRAINING\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> !Ports.listening(port));
            assertThat(idle.getInputStream().read()).as("closed by the proxy at the end of the drain").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(drainTime.minusMillis(100));
            server.terminated().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void drainWithNoOpenConnectionsStopsAtOnce() throws Exception {
        try (Backend backend = Backend.echo();
             ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0,
                     List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("tcp", "backend"))),
                     List.of(Snapshots.staticCluster("backend", Duration.ofSeconds(1), backend.port()))),
                     InProcessProxy.options(3).withDrainTime(Duration.ofSeconds(30)))) {
            long start = System.nanoTime();

            server.drainAndStop().get(20, TimeUnit.SECONDS);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(server.terminated()).isCompleted();
        }
    }
}
