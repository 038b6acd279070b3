package io.outrigger.xds.config;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.CommonTlsSpec;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.SecretRefSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bootstrap checks on secrets: unique names, and every reference without {@code sds_config} names a static
 * secret of the right type (Envoy rejects such a bootstrap: "Unknown static secret"). References with an
 * {@code sds_config} are left to SDS.
 */
final class SecretReferences {
    private SecretReferences() {
    }

    /**
     * @param listeners the decoded listeners; their index is only right when every listener decoded, which is
     *                  the only case where a path matters (otherwise the bootstrap is rejected anyway)
     */
    static void check(List<Secret> secrets, List<ListenerSpec> listeners, List<ClusterSpec> clusters, Problems problems) {
        String prefix = "static_resources.";
        Map<String, Secret> byName = new HashMap<>();
        for (int i = 0; i < secrets.size(); i++) {
            Secret s = secrets.get(i);
            problems.enter("Secret", s.getName());
            if (!s.getName().isEmpty() && byName.putIfAbsent(s.getName(), s) != null) {
                problems.error("static_resources.secrets[" + i + "].name", "duplicate secret name \"" + s.getName()
                        + "\" (expected: unique names)");
            }
        }
        for (int i = 0; i < listeners.size(); i++) {
            ListenerSpec l = listeners.get(i);
            String lp = prefix + "listeners[" + i + "].";
            problems.enter("Listener", l.name());
            for (int c = 0; c < l.filterChains().size(); c++) {
                chain(l.filterChains().get(c), lp + "filter_chains[" + c + "]", byName, problems);
            }
            if (l.defaultFilterChain() != null) {
                chain(l.defaultFilterChain(), lp + "default_filter_chain", byName, problems);
            }
        }
        for (int i = 0; i < clusters.size(); i++) {
            ClusterSpec c = clusters.get(i);
            if (c.tls() != null) {
                problems.enter("Cluster", c.name());
                common(c.tls().common(), prefix + "clusters[" + i + "].transport_socket.typed_config.common_tls_context",
                        byName, problems);
            }
        }
    }

    private static void chain(FilterChainSpec chain, String path, Map<String, Secret> secrets, Problems problems) {
        if (chain.tls() != null) {
            common(chain.tls().common(), path + ".transport_socket.typed_config.common_tls_context", secrets, problems);
        }
    }

    private static void common(CommonTlsSpec c, String path, Map<String, Secret> secrets, Problems problems) {
        ref(c.certificateSecret(), true, path + ".tls_certificate_sds_secret_configs[0]", secrets, problems);
        ref(c.validationSecret(), false, path + ".validation_context_sds_secret_config", secrets, problems);
    }

    private static void ref(SecretRefSpec ref, boolean certificate, String path, Map<String, Secret> secrets, Problems problems) {
        if (ref == null || ref.dynamic()) {
            return;
        }
        Secret s = secrets.get(ref.name());
        String kind = certificate ? "tls_certificate" : "validation_context";
        if (s == null) {
            problems.error(path + ".name", "unknown static secret \"" + ref.name() + "\" (expected the name of a secret in "
                    + "static_resources.secrets with a " + kind + ", or an sds_config to fetch it by SDS)");
        } else if (certificate ? !s.hasTlsCertificate() : !s.hasValidationContext()) {
            problems.error(path + ".name", "secret \"" + ref.name() + "\" has no " + kind + " (expected a secret of that type)");
        }
    }
}
