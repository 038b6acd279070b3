package io.outrigger.bench.harness;

/** How a proxy handles the scenario's traffic. */
public enum ProxyMode {
    /** Layer 4: bytes are relayed, connections are 1:1 (Envoy tcp_proxy, HAProxy mode tcp, nginx stream). */
    TCP,
    /** Layer 7 HTTP/1.1: requests are parsed and forwarded over pooled upstream connections. */
    HTTP
}
