package io.outrigger.bench.harness;

/** How a proxy handles the scenario's traffic. */
public enum ProxyMode {
    /** Layer 4: bytes are relayed, connections are 1:1 (Envoy tcp_proxy, HAProxy mode tcp, nginx stream). */
    TCP,
    /** Layer 7 HTTP/1.1: requests are parsed and forwarded over pooled upstream connections. */
    HTTP,
    /**
     * Layer 7 HTTP/2 over cleartext with prior knowledge (h2c) from the client; upstream HTTP/2 too
     * where the proxy can (HAProxy), HTTP/1.1 where it cannot (nginx).
     */
    HTTP2,
    /**
     * Layer 4 behind mutual TLS: the proxy terminates TLS from the client, requires a client
     * certificate from the mesh CA, and relays cleartext to the backend (an inbound sidecar's job).
     * Direct: the client speaks mutual TLS to a TLS-serving backend, so each path has one TLS hop.
     */
    TCP_MTLS
}
