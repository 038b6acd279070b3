package io.outrigger.xds.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.CommonTlsSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.DataSourceSpec;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.ListenerFilterSpec;
import io.outrigger.xds.snapshot.PrincipalSpec;
import io.outrigger.xds.snapshot.RbacSpec;
import io.outrigger.xds.snapshot.SanMatcherSpec;
import io.outrigger.xds.snapshot.SecretRefSpec;
import io.outrigger.xds.snapshot.StringMatchSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TLS transport sockets, secrets and network RBAC as sidecar bootstraps write them. */
class TlsDecoderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    /** An Istio-shaped PERMISSIVE inbound listener and an mTLS outbound cluster, secrets from files. */
    static final String MTLS = """
            static_resources:
              secrets:
              - name: default
                tls_certificate:
                  certificate_chain: {filename: /etc/certs/cert-chain.pem}
                  private_key: {filename: /etc/certs/key.pem}
              - name: ROOTCA
                validation_context:
                  trusted_ca: {filename: /etc/certs/root-cert.pem}
              listeners:
              - name: virtualInbound
                address: {socket_address: {address: 0.0.0.0, port_value: 15006}}
                listener_filters:
                - name: envoy.filters.listener.tls_inspector
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
                filter_chains:
                - name: mtls
                  filter_chain_match: {transport_protocol: tls, application_protocols: [istio-peer-exchange, istio]}
                  filters:
                  - name: envoy.filters.network.rbac
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC
                      stat_prefix: tcp.
                      rules:
                        action: ALLOW
                        policies:
                          ns[default]-policy[allow-web]-rule[0]:
                            permissions: [{and_rules: {rules: [{any: true}]}}]
                            principals:
                            - and_ids: {ids: [{or_ids: {ids: [{authenticated: {principal_name: {exact: spiffe://cluster.local/ns/default/sa/web}}}]}}]}
                  - name: envoy.filters.network.tcp_proxy
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: inbound, cluster: app}
                  transport_socket:
                    name: envoy.transport_sockets.tls
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                      require_client_certificate: true
                      common_tls_context:
                        tls_params: {tls_minimum_protocol_version: TLSv1_2, tls_maximum_protocol_version: TLSv1_3,
                                     cipher_suites: [ECDHE-ECDSA-AES256-GCM-SHA384]}
                        alpn_protocols: [h2, http/1.1]
                        tls_certificate_sds_secret_configs: [{name: default}]
                        combined_validation_context:
                          default_validation_context:
                            match_typed_subject_alt_names: [{san_type: URI, matcher: {prefix: "spiffe://cluster.local/"}}]
                          validation_context_sds_secret_config: {name: ROOTCA}
                - name: plaintext
                  filter_chain_match: {transport_protocol: raw_buffer}
                  filters:
                  - name: envoy.filters.network.tcp_proxy
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: inbound, cluster: app}
              clusters:
              - name: app
                load_assignment: {cluster_name: app, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8080}}}}]}]}
              - name: outbound|9080||reviews
                load_assignment: {cluster_name: r, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 10.0.0.9, port_value: 15006}}}}]}]}
                transport_socket:
                  name: envoy.transport_sockets.tls
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                    sni: outbound_.9080_._.reviews.default.svc.cluster.local
                    common_tls_context:
                      alpn_protocols: [istio-peer-exchange, istio]
                      tls_certificates:
                      - certificate_chain: {filename: /etc/certs/cert-chain.pem}
                        private_key: {inline_string: "-----BEGIN PRIVATE KEY-----"}
                      validation_context:
                        custom_validator_config:
                          name: envoy.tls.cert_validator.spiffe
                          typed_config:
                            "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig
                            trust_domains:
                            - {name: cluster.local, trust_bundle: {filename: /etc/certs/root-cert.pem}}
                            - {name: cluster2.example, trust_bundle: {filename: /etc/federation/cluster2.pem}}
                        match_typed_subject_alt_names:
                        - {san_type: URI, matcher: {exact: spiffe://cluster.local/ns/default/sa/reviews}}
            """;

    private static ConfigSnapshot load(String yaml) throws ConfigException {
        return BootstrapLoader.loadText(yaml, "bootstrap.yaml", false, CLOCK).snapshot();
    }

    /** {@code text} without the lines from the one holding {@code from} up to and including {@code through}. */
    private static String cut(String text, String from, String through) {
        int start = text.lastIndexOf('\n', text.indexOf(from)) + 1;
        int end = text.indexOf(through, start) + through.length();
        return text.substring(0, start) + text.substring(end);
    }

    private static List<ConfigProblem> problemsOf(String yaml) {
        try {
            BootstrapLoader.loadText(yaml, "bootstrap.yaml", false, CLOCK);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the bootstrap to be rejected");
    }

    @Test
    void permissiveInboundDecodesATlsChainWithRbacAndAPlaintextChain() throws Exception {
        ConfigSnapshot s = load(MTLS);
        var inbound = s.listeners().getFirst();
        assertThat(inbound.listenerFilters()).extracting(ListenerFilterSpec::kind).containsExactly(ListenerFilterSpec.Kind.TLS_INSPECTOR);

        FilterChainSpec mtls = inbound.filterChains().get(0);
        assertThat(mtls.match().transportProtocol()).isEqualTo("tls");
        assertThat(mtls.tls().requireClientCertificate()).isTrue();
        CommonTlsSpec common = mtls.tls().common();
        assertThat(common.certificateSecret()).isEqualTo(new SecretRefSpec("default", false));
        assertThat(common.validationSecret()).isEqualTo(new SecretRefSpec("ROOTCA", false));
        assertThat(common.validation().sanMatchers()).containsExactly(
                new SanMatcherSpec(SanMatcherSpec.SanType.URI, StringMatchSpec.prefix("spiffe://cluster.local/")));
        assertThat(common.alpnProtocols()).containsExactly("h2", "http/1.1");
        assertThat(common.minVersion()).isEqualTo("TLSv1_2");
        assertThat(common.maxVersion()).isEqualTo("TLSv1_3");
        assertThat(common.cipherSuites()).containsExactly("ECDHE-ECDSA-AES256-GCM-SHA384");

        assertThat(mtls.filters()).hasSize(2);
        RbacSpec rbac = (RbacSpec) mtls.filters().get(0);
        assertThat(rbac.statPrefix()).isEqualTo("tcp.");
        assertThat(rbac.action()).isEqualTo(RbacSpec.Action.ALLOW);
        assertThat(rbac.policies()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("ns[default]-policy[allow-web]-rule[0]");
            PrincipalSpec and = p.principals().getFirst();
            assertThat(and.kind()).isEqualTo(PrincipalSpec.Kind.AND_IDS);
            PrincipalSpec leaf = and.ids().getFirst().ids().getFirst();
            assertThat(leaf).isEqualTo(PrincipalSpec.authenticated(StringMatchSpec.exact("spiffe://cluster.local/ns/default/sa/web")));
        });
        assertThat(mtls.filters().get(1)).isInstanceOf(TcpProxySpec.class);

        FilterChainSpec plain = inbound.filterChains().get(1);
        assertThat(plain.tls()).isNull();
        assertThat(plain.match().transportProtocol()).isEqualTo("raw_buffer");

        assertThat(s.secrets()).hasSize(2);
        assertThat(s.secret("default").tlsCertificate().certificateChain()).isEqualTo(DataSourceSpec.file("/etc/certs/cert-chain.pem"));
        assertThat(s.secret("ROOTCA").validationContext().trustedCa()).isEqualTo(DataSourceSpec.file("/etc/certs/root-cert.pem"));
    }

    @Test
    void upstreamTlsContextCarriesSniCertificateAndPerTrustDomainBundles() throws Exception {
        ClusterSpec c = load(MTLS).cluster("outbound|9080||reviews");
        assertThat(c.tls().sni()).isEqualTo("outbound_.9080_._.reviews.default.svc.cluster.local");
        CommonTlsSpec common = c.tls().common();
        assertThat(common.certificates()).singleElement().satisfies(cert ->
                assertThat(cert.privateKey()).isEqualTo(DataSourceSpec.inline("-----BEGIN PRIVATE KEY-----")));
        assertThat(common.validation().trustedCa()).isNull();
        assertThat(common.validation().trustDomains()).containsOnlyKeys("cluster.local", "cluster2.example");
        assertThat(common.validation().trustDomains().get("cluster2.example"))
                .isEqualTo(DataSourceSpec.file("/etc/federation/cluster2.pem"));
        assertThat(common.validation().sanMatchers()).singleElement()
                .extracting(SanMatcherSpec::matcher).isEqualTo(StringMatchSpec.exact("spiffe://cluster.local/ns/default/sa/reviews"));
        assertThat(load(MTLS).cluster("app").tls()).isNull();
    }

    @Test
    void referenceToAMissingStaticSecretIsRejectedLikeEnvoysUnknownStaticSecret() {
        String yaml = MTLS.replace("validation_context_sds_secret_config: {name: ROOTCA}",
                "validation_context_sds_secret_config: {name: ROOTCB}");
        assertThat(problemsOf(yaml)).singleElement().satisfies(p -> {
            assertThat(p.resourceName()).isEqualTo("virtualInbound");
            assertThat(p.field()).isEqualTo("static_resources.listeners[0].filter_chains[0].transport_socket.typed_config.common_tls_context"
                    + ".validation_context_sds_secret_config.name");
            assertThat(p.message()).startsWith("unknown static secret \"ROOTCB\"");
        });
    }

    @Test
    void sdsReferenceWithAConfigSourceIsLeftToSds() throws Exception {
        String yaml = MTLS.replace("tls_certificate_sds_secret_configs: [{name: default}]",
                "tls_certificate_sds_secret_configs: [{name: \"spiffe://cluster.local/ns/default/sa/app\", sds_config: {ads: {}}}]");
        var ref = load(yaml).listeners().getFirst().filterChains().getFirst().tls().common().certificateSecret();
        assertThat(ref).isEqualTo(new SecretRefSpec("spiffe://cluster.local/ns/default/sa/app", true));
    }

    @Test
    void requireClientCertificateWithoutRootsIsRejected() {
        String yaml = cut(MTLS, "combined_validation_context:", "{name: ROOTCA}\n");
        assertThat(problemsOf(yaml)).as(yaml).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("static_resources.listeners[0].filter_chains[0].transport_socket.typed_config.require_client_certificate");
            assertThat(p.message()).contains("without roots");
        });
    }

    @Test
    void upstreamTlsWithoutValidationIsRejectedBecauseServersAreAlwaysVerified() {
        String yaml = MTLS.substring(0, MTLS.lastIndexOf("validation_context:"));
        assertThat(problemsOf(yaml)).singleElement().satisfies(p -> {
            assertThat(p.resourceName()).isEqualTo("outbound|9080||reviews");
            assertThat(p.field()).isEqualTo("static_resources.clusters[1].transport_socket.typed_config.common_tls_context");
            assertThat(p.message()).startsWith("no validation context");
        });
    }

    @Test
    void unsupportedTlsFieldsAndOldVersionsAreNamed() {
        String yaml = MTLS.replace("tls_maximum_protocol_version: TLSv1_3,", "tls_maximum_protocol_version: TLSv1_1,")
                .replace("require_client_certificate: true", "require_client_certificate: true\n          require_sni: true");
        assertThat(problemsOf(yaml)).extracting(ConfigProblem::field).containsExactlyInAnyOrder(
                "static_resources.listeners[0].filter_chains[0].transport_socket.typed_config.require_sni",
                "static_resources.listeners[0].filter_chains[0].transport_socket.typed_config.common_tls_context.tls_params.tls_maximum_protocol_version");
    }

    @Test
    void rbacWithARequestLevelPermissionOrAsTheLastFilterIsRejected() {
        String portPermission = MTLS.replace("permissions: [{and_rules: {rules: [{any: true}]}}]",
                "permissions: [{url_path: {path: {exact: /x}}}]");
        assertThat(problemsOf(portPermission)).singleElement().satisfies(p -> {
            assertThat(p.field()).endsWith("policies[\"ns[default]-policy[allow-web]-rule[0]\"].permissions[0]");
            assertThat(p.message()).startsWith("unsupported permission url_path");
        });
    }

    @Test
    void spiffeValidatorTogetherWithTrustedCaIsRejectedAsEnvoyDoes() {
        String yaml = MTLS.replace("            custom_validator_config:\n",
                "            trusted_ca: {filename: /etc/certs/root-cert.pem}\n            custom_validator_config:\n");
        assertThat(problemsOf(yaml)).singleElement().satisfies(p ->
                assertThat(p.field()).isEqualTo("static_resources.clusters[1].transport_socket.typed_config.common_tls_context.validation_context.trusted_ca"));
    }

    @Test
    void safeRegexIsCheckedWithRe2Syntax() {
        String yaml = MTLS.replace("{exact: spiffe://cluster.local/ns/default/sa/reviews}", "{safe_regex: {regex: \"(a)\\\\1\"}}");
        assertThat(problemsOf(yaml)).singleElement().satisfies(p -> {
            assertThat(p.field()).endsWith("match_typed_subject_alt_names[0].matcher.safe_regex.regex");
            assertThat(p.message()).startsWith("invalid regular expression");
        });
    }
}
