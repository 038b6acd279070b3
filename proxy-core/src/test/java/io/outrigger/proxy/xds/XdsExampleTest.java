package io.outrigger.proxy.xds;

import static io.outrigger.proxy.xds.XdsResources.assignment;
import static io.outrigger.proxy.xds.XdsResources.edsCluster;
import static io.outrigger.proxy.xds.XdsResources.snapshot;
import static io.outrigger.proxy.xds.XdsResources.tcpListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.OutriggerProcess;
import io.outrigger.proxy.testing.Ports;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code examples/xds.yaml} as a user runs it: validated, and run by the launcher against a real control plane. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class XdsExampleTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private static HttpResponse<String> admin(int port, String path, boolean post) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (post) {
            b.POST(HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theExampleValidates() throws Exception {
        try (OutriggerProcess p = OutriggerProcess.start(ROOT, "validate", "-c", "examples/xds.yaml")) {
            assertThat(p.exitCode(Duration.ofSeconds(60))).as(p.output()).isZero();
            assertThat(p.output()).contains("configuration 'examples/xds.yaml' OK");
        }
    }

    @Test
    void theExampleTakesItsListenersAndClustersFromTheControlPlaneAndGoesLiveWhenTheyApplied() throws Exception {
        try (ControlPlane cp = new ControlPlane().start(); Backend backend = Backend.echo()) {
            int adminPort = Ports.free();
            int listenerPort = Ports.free();
            String example = Files.readString(ROOT.resolve("examples/xds.yaml"));
            assertThat(example).contains("port_value: 18000").contains("port_value: 15000");
            Path file = dir.resolve("xds.yaml");
            Files.writeString(file, example.replace("port_value: 18000", "port_value: " + cp.port())
                    .replace("port_value: 15000", "port_value: " + adminPort));
            cp.set("outrigger-example", snapshot("1", List.of(edsCluster("backend")),
                    List.of(assignment("backend", backend.port())), List.of(tcpListener("ingress", listenerPort, "backend"))));

            try (OutriggerProcess p = OutriggerProcess.start(dir, "-c", file.toString(), "--drain-time-s", "1")) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertThat(p.isAlive()).as("outrigger exited early:\n%s", p.output()).isTrue();
                    assertThat(Ports.listening(adminPort)).isTrue();
                    assertThat(admin(adminPort, "/ready", false).body()).isEqualTo("LIVE\n");
                });

                assertThat(XdsProxy.echoes(new InetSocketAddress("127.0.0.1", listenerPort))).isTrue();
                assertThat(backend.accepted()).isEqualTo(1);
                assertThat(admin(adminPort, "/config_dump", false).body())
                        .contains("\"dynamic_listeners\"", "\"ingress\"", "\"static_clusters\"", "\"xds_cluster\"");
                assertThat(admin(adminPort, "/quitquitquit", true).statusCode()).isEqualTo(200);
                assertThat(p.exitCode(Duration.ofSeconds(60))).as(p.output()).isZero();
            }
        }
    }
}
