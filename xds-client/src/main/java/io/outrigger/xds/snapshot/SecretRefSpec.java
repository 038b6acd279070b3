package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * {@code tls.v3.SdsSecretConfig}: a secret by name.
 *
 * @param dynamic {@code true} with an {@code sds_config} (the secret comes from SDS), {@code false}
 *                without one (a secret of {@code static_resources.secrets})
 */
public record SecretRefSpec(String name, boolean dynamic) {
    public SecretRefSpec {
        Objects.requireNonNull(name, "name");
    }
}
