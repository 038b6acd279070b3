package io.outrigger.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.SslProvider;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.xds.config.BootstrapLoader;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An xDS update (ProxyServer.apply) to a TLS listener: the new RBAC policy applies to new connections, an
 * open mTLS connection keeps working, and the TLS runtime (watchers, contexts) is kept while the secrets
 * do not change.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MtlsConfigUpdateTest {
    @TempDir
    Path dir;

    private ConfigSnapshot load(String name, String yaml, String version) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        ConfigSnapshot s = BootstrapLoader.load(f).snapshot();
        return new ConfigSnapshot(s.node(), s.admin(), s.listeners(), s.clusters(), version, "xds", s.secrets());
    }

    private static int echoOne(Socket s, int value) throws Exception {
        s.getOutputStream().write(value);
        return s.getInputStream().read();
    }

    @Test
    void rbacUpdateRefusesNewConnectionsWhileAnOpenOneKeepsWorkingOnTheSameTlsRuntime() throws Exception {
        MeshCerts mesh = MeshCerts.trustDomain("cluster.local");
        mesh.issue(MeshCerts.WEB, Duration.ofHours(1), dir.resolve("web"));
        mesh.issue(MeshCerts.REVIEWS, Duration.ofHours(1), dir.resolve("reviews"));
        try (Backend app = Backend.echo()) {
            String validation = Sidecars.trustedCa(dir.resolve("reviews/root-cert.pem"));
            String allowWeb = Sidecars.server(app.port(), dir.resolve("reviews"), validation, false, MeshCerts.WEB);
            String allowOther = Sidecars.server(app.port(), dir.resolve("reviews"), validation, false,
                    "spiffe://cluster.local/ns/default/sa/other");
            try (ProxyServer server = Sidecars.start(dir, "v1.yaml", allowWeb, SslProvider.OPENSSL);
                 ProxyServer client = Sidecars.start(dir, "client.yaml", Sidecars.client(
                         server.listenerAddress("inbound").getPort(), dir.resolve("web"), MeshCerts.REVIEWS),
                         SslProvider.OPENSSL);
                 Socket open = new Socket(InetAddress.getLoopbackAddress(), client.listenerAddress("outbound").getPort())) {
                open.setSoTimeout(20_000);
                assertThat(echoOne(open, 1)).isEqualTo(1);
                TlsRuntime before = server.tls();

                server.apply(load("v2.yaml", allowOther, "2"));

                try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), client.listenerAddress("outbound").getPort())) {
                    refused.setSoTimeout(20_000);
                    refused.getOutputStream().write(2);
                    assertThat(refused.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().value("tcp.rbac.denied") == 1);
                assertThat(echoOne(open, 3)).as("the open connection keeps its chain").isEqualTo(3);
                assertThat(server.stats().value("tcp.rbac.allowed")).isEqualTo(1);
                assertThat(server.tls()).as("same secrets: same TLS runtime").isSameAs(before);
            }
        }
    }
}
