package io.outrigger.xds.ads;

import static io.outrigger.xds.ads.AdsHarness.endpoints;
import static io.outrigger.xds.ads.Protos.assignment;
import static io.outrigger.xds.ads.Protos.edsCluster;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.outrigger.xds.ads.AdsHarness.Mode;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.DataSourceSpec;
import io.outrigger.xds.snapshot.SecretRefSpec;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An Istio/Kuma-shaped mTLS cluster over ADS: its EDS endpoints keep its UpstreamTlsContext, and the secrets it
 * names over ADS (SDS) arrive in the published snapshot, which waits for them.
 */
class AdsTlsTest {
    private XdsTestServer server;
    private AdsHarness harness;

    @BeforeEach
    void startServer() throws Exception {
        server = new XdsTestServer().start();
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        server.close();
    }

    private static SdsSecretConfig sds(String name) {
        return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(Protos.ads()).build();
    }

    private static DataSource inline(String text) {
        return DataSource.newBuilder().setInlineString(text).build();
    }

    private static io.envoyproxy.envoy.config.cluster.v3.Cluster mtlsCluster(String name) {
        UpstreamTlsContext tls = UpstreamTlsContext.newBuilder().setSni("outbound_.9080_._.reviews.default.svc.cluster.local")
                .setCommonTlsContext(CommonTlsContext.newBuilder()
                        .addTlsCertificateSdsSecretConfigs(sds("default"))
                        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                                        .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                                                .setSanType(SubjectAltNameMatcher.SanType.URI)
                                                .setMatcher(StringMatcher.newBuilder().setExact(
                                                        "spiffe://cluster.local/ns/default/sa/reviews"))))
                                .setValidationContextSdsSecretConfig(sds("ROOTCA"))))
                .build();
        return edsCluster(name).toBuilder().setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls))).build();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anEdsClusterKeepsItsTlsAndItsSdsSecretsArriveInTheSnapshot(Mode mode) throws Exception {
        String name = "outbound|9080||reviews";
        List<Secret> secrets = List.of(
                Secret.newBuilder().setName("default").setTlsCertificate(TlsCertificate.newBuilder()
                        .setCertificateChain(inline("CHAIN PEM")).setPrivateKey(inline("KEY PEM"))).build(),
                Secret.newBuilder().setName("ROOTCA").setValidationContext(CertificateValidationContext.newBuilder()
                        .setTrustedCa(inline("ROOT PEM"))).build());
        server.set(AdsHarness.NODE_ID, Snapshot.create(List.of(mtlsCluster(name)),
                List.of(assignment(name, "10.8.0.4:9080")), List.of(), List.of(), secrets, "1"));
        harness = new AdsHarness(mode, server, XdsDecoders.envoy(), c -> c, s -> { }).start();

        ConfigSnapshot s = harness.awaitReady();

        ClusterSpec c = s.cluster(name);
        assertThat(endpoints(s, name)).containsExactly("10.8.0.4:9080");
        assertThat(c.tls()).as("the UpstreamTlsContext survives binding the endpoints").isNotNull();
        assertThat(c.tls().common().certificateSecret()).isEqualTo(new SecretRefSpec("default", true));
        assertThat(s.secret("default").tlsCertificate().certificateChain()).isEqualTo(DataSourceSpec.inline("CHAIN PEM"));
        assertThat(s.secret("ROOTCA").validationContext().trustedCa()).isEqualTo(DataSourceSpec.inline("ROOT PEM"));
        assertThat(harness.requests(XdsResourceType.SECRET)).anySatisfy(r ->
                assertThat(r.names()).containsExactlyInAnyOrder("default", "ROOTCA"));
    }
}
