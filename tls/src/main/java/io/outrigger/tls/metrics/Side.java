package io.outrigger.tls.metrics;

/** Which end of a connection we are. */
public enum Side {
    /** We accepted the connection (Envoy: DownstreamTlsContext, a listener). */
    SERVER,
    /** We opened the connection (Envoy: UpstreamTlsContext, a cluster). */
    CLIENT
}
