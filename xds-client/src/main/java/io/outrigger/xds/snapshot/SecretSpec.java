package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * {@code tls.v3.Secret} from {@code static_resources.secrets} (and SDS later): a name and exactly one of a
 * TLS certificate or a validation context.
 */
public record SecretSpec(String name, TlsCertificateSpec tlsCertificate, ValidationContextSpec validationContext) {
    public SecretSpec {
        Objects.requireNonNull(name, "name");
        if ((tlsCertificate == null) == (validationContext == null)) {
            throw new IllegalArgumentException("secret " + name
                    + ": expected exactly one of tls_certificate and validation_context");
        }
    }
}
