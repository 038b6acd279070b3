package io.outrigger.xds.snapshot;

import java.util.Objects;

/** {@code tls.v3.TlsCertificate}: a PEM certificate chain (leaf first) and its private key. */
public record TlsCertificateSpec(DataSourceSpec certificateChain, DataSourceSpec privateKey) {
    public TlsCertificateSpec {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
    }
}
