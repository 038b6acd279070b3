package io.outrigger.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Snapshots;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpProxySmokeTest {
    @Test
    void echoesThroughTheProxy() throws Exception {
        try (Backend backend = Backend.echo();
             ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0,
                     List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("tcp", "backend"))),
                     List.of(Snapshots.staticCluster("backend", Duration.ofSeconds(1), backend.port()))));
             Socket s = new Socket("127.0.0.1", server.listenerAddress("l").getPort())) {
            s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
    }
}
