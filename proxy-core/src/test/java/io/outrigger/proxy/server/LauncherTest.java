package io.outrigger.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.LauncherRun;
import io.outrigger.proxy.testing.OutriggerProcess;
import io.outrigger.proxy.testing.Ports;
import io.outrigger.proxy.testing.Streams;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a user runs it, in its own process: the quickstart example, the error for each
 * kind of bad input (exit 1, one line naming file, resource and field, nothing left listening),
 * {@code validate}, and a SIGTERM drain that lets a transfer finish and exits 0.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherTest {
    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /** A bootstrap: tcp_proxy listener on {@code listenerPort} to a STATIC cluster on {@code backendPort}. */
    private static String bootstrap(int adminPort, int listenerPort, int backendPort) {
        return """
                node: { id: test, cluster: test }
                admin:
                  address: { socket_address: { address: 127.0.0.1, port_value: %d } }
                static_resources:
                  listeners:
                  - name: main
                    address: { socket_address: { address: 127.0.0.1, port_value: %d } }
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: main_tcp
                          cluster: backend
                  clusters:
                  - name: backend
                    type: STATIC
                    connect_timeout: 1s
                    load_assignment:
                      cluster_name: backend
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
                """.formatted(adminPort, listenerPort, backendPort);
    }

    private Path write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitLive(OutriggerProcess p, int adminPort) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(p.isAlive()).as("outrigger exited early:\n%s", p.output()).isTrue();
            assertThat(Ports.listening(adminPort)).isTrue();
            assertThat(get(adminPort, "/ready").body()).isEqualTo("LIVE\n");
        });
    }

    @Test
    void quickstartExampleServesReadyThroughTheProxyAndQuitsCleanly() throws Exception {
        // The example as a newcomer runs it, from the checkout's root.
        Path root = Path.of("..").toAbsolutePath().normalize();
        try (OutriggerProcess p = OutriggerProcess.start(root, "-c", "examples/quickstart.yaml")) {
            awaitLive(p, 15000);

            HttpResponse<String> viaProxy = get(10000, "/ready");

            assertThat(viaProxy.statusCode()).isEqualTo(200);
            assertThat(viaProxy.body()).isEqualTo("LIVE\n");
            assertThat(post(15000, "/quitquitquit").statusCode()).isEqualTo(200);
            assertThat(p.exitCode(EXIT)).isZero();
            assertThat(Ports.listening(10000)).isFalse();
        }
    }

    @Test
    void missingFileExitsOneNamingTheFile() throws Exception {
        assertRejected("missing.yaml", null, "missing.yaml: file does not exist");
    }

    @Test
    void yamlSyntaxErrorExitsOneWithLineAndColumn() throws Exception {
        assertRejected("broken.yaml", "admin:\n  address: [unclosed\n", "broken.yaml: YAML syntax error at line 3");
    }

    @Test
    void unknownFieldExitsOneNamingResourceAndFieldPath() throws Exception {
        int admin = Ports.free();
        int port = Ports.free();
        String yaml = bootstrap(admin, port, Ports.free()).replaceFirst("( *)stat_prefix: main_tcp\n",
                "$1stat_prefix: main_tcp\n$1bogus_field: 1\n");
        assertRejected("unknown-field.yaml", yaml, "unknown-field.yaml: Listener \"main\": "
                + "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.bogus_field: unknown field",
                admin, port);
    }

    @Test
    void unknownTypeUrlExitsOneNamingIt() throws Exception {
        int admin = Ports.free();
        int port = Ports.free();
        String yaml = bootstrap(admin, port, Ports.free()).replace("tcp_proxy.v3.TcpProxy", "tcp_proxy.v3.TcpProxyX");
        assertRejected("unknown-type.yaml", yaml,
                "unknown @type \"type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxyX\"",
                admin, port);
    }

    @Test
    void tcpProxyToAMissingClusterExitsOneNamingTheCluster() throws Exception {
        int admin = Ports.free();
        int port = Ports.free();
        String yaml = bootstrap(admin, port, Ports.free()).replace("cluster: backend\n", "cluster: nowhere\n");
        assertRejected("missing-cluster.yaml", yaml, "typed_config.cluster: cluster \"nowhere\" does not exist",
                admin, port);
    }

    @Test
    void twoListenersOnOnePortExitOneNamingBoth() throws Exception {
        int admin = Ports.free();
        int port = Ports.free();
        String base = bootstrap(admin, port, Ports.free());
        int start = base.indexOf("  - name: main");
        int end = base.indexOf("  clusters:");
        String second = base.substring(start, end).replace("name: main", "name: second");
        String yaml = base.substring(0, end) + second + base.substring(end);
        assertRejected("two-listeners.yaml", yaml, "Listener \"second\": static_resources.listeners[1].address: "
                + "listener \"second\" binds 127.0.0.1:" + port + ", as does listener \"main\"", admin, port);
    }

    @Test
    void portAlreadyInUseExitsOneNamingListenerAndAddressAndLeavesNothingListening() throws Exception {
        int admin = Ports.free();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path file = write("in-use.yaml", bootstrap(admin, port, Ports.free()));
            try (OutriggerProcess p = OutriggerProcess.start(dir, "-c", file.toString())) {
                assertThat(p.exitCode(EXIT)).as(p.output()).isEqualTo(1);
                assertThat(p.output()).contains("listener \"main\": cannot bind 127.0.0.1:" + port
                        + ": address already in use");
                assertThat(Ports.listening(admin)).as("admin port after exit").isFalse();
            }
        }
    }

    @Test
    void validatePrintsWhatItWouldBuildAndExitsZero() throws Exception {
        Path file = write("ok.yaml", bootstrap(Ports.free(), Ports.free(), Ports.free()));
        try (LauncherRun p = LauncherRun.start("validate", "-c", file.toString())) {
            assertThat(p.exitCode(EXIT)).as(p.output()).isZero();
            assertThat(p.output()).contains("listener \"main\"", "cluster \"backend\" STATIC",
                    "configuration '" + file + "' OK");
        }
    }

    @Test
    void featureTheDataPathCannotServeYetIsRejectedByValidateAndRunAlike() throws Exception {
        int admin = Ports.free();
        int port = Ports.free();
        String yaml = bootstrap(admin, port, Ports.free()).replaceFirst("( *)filter_chains:\n",
                "$1listener_filters:\n$1- name: envoy.filters.listener.http_inspector\n$1  typed_config:\n"
                        + "$1    \"@type\": type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector\n"
                        + "$1filter_chains:\n");
        Path file = write("inspector.yaml", yaml);
        String expected = "inspector.yaml: Listener \"main\": static_resources.listeners[0].listener_filters[0]: "
                + "listener filter envoy.filters.listener.http_inspector (HTTP_INSPECTOR) is not supported by the data path yet";
        try (LauncherRun v = LauncherRun.start("validate", "-c", file.toString())) {
            assertThat(v.exitCode(EXIT)).as(v.output()).isEqualTo(1);
            assertThat(v.output()).contains(expected);
        }
        assertRejected("inspector.yaml", yaml, expected, admin, port);
    }

    @Test
    void validateOfABadFileExitsOneWithTheProblem() throws Exception {
        Path file = write("bad.yaml", bootstrap(Ports.free(), Ports.free(), Ports.free())
                .replace("cluster: backend\n", "cluster: nowhere\n"));
        try (LauncherRun p = LauncherRun.start("validate", "-c", file.toString())) {
            assertThat(p.exitCode(EXIT)).isEqualTo(1);
            assertThat(p.output()).contains("cluster \"nowhere\" does not exist");
        }
    }

    @Test
    void versionAndHelpExitZero() throws Exception {
        try (OutriggerProcess v = OutriggerProcess.start(dir, "--version");
             OutriggerProcess h = OutriggerProcess.start(dir, "--help")) {
            assertThat(v.exitCode(EXIT)).isZero();
            assertThat(v.output()).startsWith("outrigger ");
            assertThat(h.exitCode(EXIT)).isZero();
            assertThat(h.output()).contains("--config-path", "--concurrency", "--drain-time-s", "validate");
        }
    }

    @Test
    void sigtermDuringATransferLetsItFinishStopsAcceptingAndExitsZero() throws Exception {
        long size = 24L * 1024 * 1024;
        int admin = Ports.free();
        int port = Ports.free();
        try (Backend backend = Backend.start(s -> Streams.writeRandom(s.getOutputStream(), size, 99))) {
            Path file = write("drain.yaml", bootstrap(admin, port, backend.port()));
            try (OutriggerProcess p = OutriggerProcess.start(dir, "-c", file.toString(), "--drain-time-s", "20",
                    "--concurrency", "2")) {
                awaitLive(p, admin);
                Socket client = new Socket("127.0.0.1", port);
                client.setSoTimeout(60_000);
                InputStream in = client.getInputStream();
                byte[] buf = new byte[64 * 1024];
                int first = in.read(buf);
                assertThat(first).isPositive();

                p.sigterm();
                // Read slowly enough that the transfer outlives the start of the drain.
                CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
                    long total = first;
                    try (client) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            total += n;
                            Thread.sleep(1);
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                    return total;
                });
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(Ports.listening(port)).as("listener closed once draining").isFalse());
                assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(size);
                assertThat(p.exitCode(EXIT)).as(p.output()).isZero();
                // "N open connection(s)": the transfer, plus any probe above that arrived before the close.
                assertThat(p.output()).contains("SIGTERM: draining").containsPattern("draining: [1-9]\\d* open connection");
            }
        }
    }

    private void assertRejected(String name, String content, String expected) throws Exception {
        assertRejected(name, content, expected, -1, -1);
    }

    private void assertRejected(String name, String content, String expected, int adminPort, int listenerPort)
            throws Exception {
        // In process, through the launcher's own entry point: same code path as the process, one
        // JVM start less per case (the process-level behaviour is covered by the tests above).
        Path file = content == null ? dir.resolve(name) : write(name, content);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = io.outrigger.proxy.Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "-c", file.toString());
        String text = out + err.toString();
        assertThat(code).as(text).isEqualTo(1);
        assertThat(text.replace(file.toString(), file.getFileName().toString())).contains(expected);
        assertThat(text).doesNotContain("is LIVE");
        if (adminPort > 0) {
            assertThat(Ports.listening(adminPort)).isFalse();
            assertThat(Ports.listening(listenerPort)).isFalse();
        }
    }
}
