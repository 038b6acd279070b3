package io.outrigger.proxy.tls;

import io.netty.handler.ssl.SslProvider;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.transport.Transport;
import io.outrigger.tls.context.TlsOptions;
import io.outrigger.xds.config.BootstrapLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Envoy v3 bootstraps of an Istio-style pair of sidecars, loaded through the real bootstrap loader and run
 * as real in-process servers. The server side's inbound listener runs tls_inspector and has an mTLS chain
 * (and, PERMISSIVE, a plaintext chain) in front of the app; the client side's cluster originates mTLS.
 */
final class Sidecars {
    private Sidecars() {
    }

    /** How the server sidecar verifies clients: {@code trusted_ca}, or the SPIFFE validator's trust domains. */
    static String trustedCa(Path rootCert) {
        return "trusted_ca: {filename: " + rootCert + "}";
    }

    /** The SPIFFE validator with one bundle per trust domain, e.g. {@code "cluster.local", path}. */
    static String spiffeValidator(Object... domainAndBundle) {
        StringBuilder b = new StringBuilder("""
                custom_validator_config:
                  name: envoy.tls.cert_validator.spiffe
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig
                    trust_domains:
                """);
        for (int i = 0; i < domainAndBundle.length; i += 2) {
            b.append("    - {name: ").append(domainAndBundle[i]).append(", trust_bundle: {filename: ")
                    .append(domainAndBundle[i + 1]).append("}}\n");
        }
        return b.toString();
    }

    /**
     * @param certs a directory with cert-chain.pem and key.pem
     * @param validation {@link #trustedCa} or {@link #spiffeValidator}
     * @param permissive also accept plaintext on the same port
     * @param rbacAllowed principals (exact) an ALLOW policy lets in; none: no RBAC filter
     */
    static String server(int appPort, Path certs, String validation, boolean permissive, String... rbacAllowed) {
        String rbac = "";
        if (rbacAllowed.length > 0) {
            StringBuilder ids = new StringBuilder();
            for (String id : rbacAllowed) {
                ids.append(" ".repeat(16)).append("- {authenticated: {principal_name: {exact: \"").append(id).append("\"}}}\n");
            }
            rbac = """
                          - name: envoy.filters.network.rbac
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC
                              stat_prefix: tcp.
                              rules:
                                action: ALLOW
                                policies:
                                  allow-listed:
                                    permissions: [{any: true}]
                                    principals:
                    """ + ids;
        }
        String plaintext = !permissive ? "" : """
                  - name: plaintext
                    filter_chain_match: {transport_protocol: raw_buffer}
                    filters:
                    - name: envoy.filters.network.tcp_proxy
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: inbound_plain, cluster: app}
                """;
        return """
                admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
                static_resources:
                  secrets:
                  - name: default
                    tls_certificate:
                      certificate_chain: {filename: %s/cert-chain.pem}
                      private_key: {filename: %s/key.pem}
                  - name: ROOTCA
                    validation_context:
                %s
                  listeners:
                  - name: inbound
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    listener_filters:
                    - name: envoy.filters.listener.tls_inspector
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
                    filter_chains:
                    - name: mtls
                      filter_chain_match: {transport_protocol: tls}
                      filters:
                %s      - name: envoy.filters.network.tcp_proxy
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: inbound_mtls, cluster: app}
                      transport_socket:
                        name: envoy.transport_sockets.tls
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                          require_client_certificate: true
                          common_tls_context:
                            alpn_protocols: [istio-peer-exchange, istio]
                            tls_certificate_sds_secret_configs: [{name: default}]
                            combined_validation_context:
                              default_validation_context:
                                match_typed_subject_alt_names: [{san_type: URI, matcher: {prefix: "spiffe://"}}]
                              validation_context_sds_secret_config: {name: ROOTCA}
                %s
                  clusters:
                  - name: app
                    connect_timeout: 5s
                    load_assignment: {cluster_name: app, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]}
                """.formatted(certs, certs, indent(validation, 6), rbac, indent(plaintext, 2), appPort);
    }

    /**
     * @param serverId the SPIFFE ID the server must present ({@code match_typed_subject_alt_names} exact)
     * @param certs cert-chain.pem, key.pem and root-cert.pem
     */
    static String client(int peerPort, Path certs, String serverId) {
        return """
                admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
                static_resources:
                  listeners:
                  - name: outbound
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: outbound, cluster: reviews}
                  clusters:
                  - name: reviews
                    connect_timeout: 5s
                    load_assignment: {cluster_name: reviews, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]}
                    transport_socket:
                      name: envoy.transport_sockets.tls
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                        sni: outbound_.9080_._.reviews.default.svc.cluster.local
                        common_tls_context:
                          alpn_protocols: [istio-peer-exchange, istio]
                          tls_certificates:
                          - certificate_chain: {filename: %s/cert-chain.pem}
                            private_key: {filename: %s/key.pem}
                          validation_context:
                            trusted_ca: {filename: %s/root-cert.pem}
                            match_typed_subject_alt_names: [{san_type: URI, matcher: {exact: "%s"}}]
                """.formatted(peerPort, certs, certs, certs, serverId);
    }

    private static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                b.append(pad).append(line);
            }
            b.append('\n');
        }
        return b.toString().stripTrailing();
    }

    /** Writes {@code yaml} to {@code dir/name} and starts a server from it with {@code provider}. */
    static ProxyServer start(Path dir, String name, String yaml, SslProvider provider, Duration expiryWarning)
            throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        var loaded = BootstrapLoader.load(file);
        ProxyServer server = new ProxyServer(InProcessProxy.options(42), Transport.detect());
        server.tlsOptions(TlsOptions.defaults().withProvider(provider).withExpiryWarning(expiryWarning));
        server.start(loaded.snapshot(), loaded::configDumpJson);
        return server;
    }

    static ProxyServer start(Path dir, String name, String yaml, SslProvider provider) throws Exception {
        return start(dir, name, yaml, provider, Duration.ofMinutes(1));
    }
}
