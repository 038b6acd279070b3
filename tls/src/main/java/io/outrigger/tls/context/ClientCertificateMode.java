package io.outrigger.tls.context;

/** Whether a server asks for, and insists on, a client certificate (Envoy's {@code require_client_certificate}). */
public enum ClientCertificateMode {
    /** Mutual TLS: no certificate, no connection (Istio STRICT). */
    REQUIRE,
    /** Ask; verify one if presented; accept a client without (Istio PERMISSIVE over TLS). */
    OPTIONAL,
    /** Do not ask (plain server TLS). */
    NONE
}
