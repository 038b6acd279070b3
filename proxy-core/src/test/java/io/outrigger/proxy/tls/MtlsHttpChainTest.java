package io.outrigger.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslProvider;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.HttpBackend;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A filter chain that terminates mTLS (chosen by tls_inspector) may end in an
 * http_connection_manager as well as in a tcp_proxy, as Istio's inbound HTTP chains do: the
 * handshake and RBAC come first, then the connection manager routes each request.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MtlsHttpChainTest {
    @TempDir
    Path dir;

    /** The server sidecar: tls_inspector, one mTLS chain with RBAC in front of an HTTP connection manager. */
    private static String server(int appPort, Path certs, String allowed) {
        return """
                admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
                static_resources:
                  listeners:
                  - name: inbound
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    listener_filters:
                    - name: envoy.filters.listener.tls_inspector
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
                    filter_chains:
                    - name: mtls-http
                      filter_chain_match: {transport_protocol: tls}
                      filters:
                      - name: envoy.filters.network.rbac
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC
                          stat_prefix: tcp.
                          rules:
                            action: ALLOW
                            policies:
                              allow-listed:
                                permissions: [{any: true}]
                                principals: [{authenticated: {principal_name: {exact: "%s"}}}]
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: inbound_http
                          route_config:
                            name: inbound
                            virtual_hosts:
                            - name: all
                              domains: ["*"]
                              routes: [{match: {prefix: "/"}, route: {cluster: app}}]
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
                      transport_socket:
                        name: envoy.transport_sockets.tls
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                          require_client_certificate: true
                          common_tls_context:
                            tls_certificates:
                            - certificate_chain: {filename: %s/cert-chain.pem}
                              private_key: {filename: %s/key.pem}
                            validation_context:
                              trusted_ca: {filename: %s/root-cert.pem}
                  clusters:
                  - name: app
                    connect_timeout: 5s
                    load_assignment: {cluster_name: app, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]}
                """.formatted(allowed, certs, certs, certs, appPort);
    }

    /** Sends one HTTP/1.1 request through the client sidecar and returns the whole response ({@code Connection: close}). */
    private static String get(int port, String path) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: reviews\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void anMtlsChainEndingInAnHttpConnectionManagerRoutesRequestsOfAnAllowedPeerAndClosesADeniedOne() throws Exception {
        MeshCerts mesh = MeshCerts.trustDomain("cluster.local");
        mesh.issue(MeshCerts.WEB, Duration.ofHours(1), dir.resolve("web"));
        mesh.issue(MeshCerts.REVIEWS, Duration.ofHours(1), dir.resolve("reviews"));
        try (HttpBackend app = HttpBackend.echo("app")) {
            try (ProxyServer server = Sidecars.start(dir, "server.yaml",
                         server(app.port(), dir.resolve("reviews"), MeshCerts.WEB), SslProvider.OPENSSL);
                 ProxyServer client = Sidecars.start(dir, "client.yaml", Sidecars.client(
                         server.listenerAddress("inbound").getPort(), dir.resolve("web"), MeshCerts.REVIEWS),
                         SslProvider.OPENSSL)) {
                String response = get(client.listenerAddress("outbound").getPort(), "/reviews/1");

                assertThat(response).startsWith("HTTP/1.1 200").endsWith("app GET /reviews/1");
                assertThat(server.stats().value("http.inbound_http.downstream_rq_2xx")).isEqualTo(1);
                assertThat(app.requests()).isEqualTo(1);
            }
            // The same client identity against a server that allows only another principal: RBAC
            // closes the connection after the handshake, before any request reaches the app.
            try (ProxyServer server = Sidecars.start(dir, "server-deny.yaml",
                         server(app.port(), dir.resolve("reviews"), MeshCerts.REVIEWS), SslProvider.OPENSSL);
                 ProxyServer client = Sidecars.start(dir, "client-deny.yaml", Sidecars.client(
                         server.listenerAddress("inbound").getPort(), dir.resolve("web"), MeshCerts.REVIEWS),
                         SslProvider.OPENSSL)) {
                assertThat(get(client.listenerAddress("outbound").getPort(), "/reviews/2")).isEmpty();
                assertThat(app.requests()).isEqualTo(1);
            }
        }
    }
}
