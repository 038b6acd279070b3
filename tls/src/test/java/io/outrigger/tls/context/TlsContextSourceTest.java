package io.outrigger.tls.context;

import static io.outrigger.tls.testing.Pki.BACKEND;
import static io.outrigger.tls.testing.Pki.LOCAL_CA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.outrigger.tls.identity.SecretStore;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsContextSourceTest {
    private final SecretStore store = new SecretStore();

    @Test
    void serverIsNotReadyUntilBothItsCertificateAndItsValidationContextArrived() {
        TlsContextSource source = TlsContextSource.server(store, ServerTlsConfig.mutual("default", "ROOTCA"),
                TlsOptions.defaults());
        assertThat(source.current()).isEmpty();
        assertThat(source.ready()).isNotDone();
        assertThatThrownBy(() -> source.newHandlers(ByteBufAllocator.DEFAULT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("server TLS (certificate 'default'): not ready (waiting for its secrets)");

        store.putCertificate("default", LOCAL_CA.issue(BACKEND, Duration.ofHours(1)));
        assertThat(source.ready()).isNotDone();
        store.putValidationContext("ROOTCA", TrustBundles.of(LOCAL_CA.bundle()));
        assertThat(source.ready()).isCompleted();
        assertThat(source.current().orElseThrow().generation()).isEqualTo(1);
    }

    @Test
    void serverWithoutClientCertificatesNeedsNoValidationContext() {
        TlsContextSource source = TlsContextSource.server(store, new ServerTlsConfig("default", null,
                ClientCertificateMode.NONE, List.of(), TlsParams.DEFAULT, List.of()), TlsOptions.defaults());
        store.putCertificate("default", LOCAL_CA.issue(BACKEND, Duration.ofHours(1)));
        assertThat(source.current()).isPresent();
        TlsHandlers h = source.newHandlers(ByteBufAllocator.DEFAULT);
        assertThat(h.sslHandler().engine().getUseClientMode()).isFalse();
        ReferenceCountUtil.release(h.sslHandler().engine());
    }

    @Test
    void eachRotationIsANewGenerationAndListenersHearOfIt() {
        TlsContextSource source = TlsContextSource.server(store, ServerTlsConfig.mutual("default", "ROOTCA"),
                TlsOptions.defaults());
        List<Long> generations = new ArrayList<>();
        source.onUpdate(s -> generations.add(s.generation()));
        store.putValidationContext("ROOTCA", TrustBundles.of(LOCAL_CA.bundle()));
        Svid a = LOCAL_CA.issue(BACKEND, Duration.ofHours(1));
        Svid b = LOCAL_CA.issue(BACKEND, Duration.ofHours(2));
        store.putCertificate("default", a);
        store.putCertificate("default", b);
        store.putCertificate("default", b); // equal value: dropped by the store, no rebuild
        assertThat(generations).containsExactly(1L, 2L);
        assertThat(source.current().orElseThrow().svid()).isEqualTo(b);
    }

    @Test
    void contextThatCannotBeBuiltIsReportedAndThePreviousOneKept() {
        TlsContextSource good = TlsContextSource.server(store, ServerTlsConfig.mutual("default", "ROOTCA"),
                TlsOptions.defaults());
        store.putValidationContext("ROOTCA", TrustBundles.of(LOCAL_CA.bundle()));
        store.putCertificate("default", LOCAL_CA.issue(BACKEND, Duration.ofHours(1)));
        assertThat(good.lastError()).isEmpty();

        TlsContextSource bad = TlsContextSource.server(store, ServerTlsConfig.mutual("default", "ROOTCA")
                .withParams(new TlsParams(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3, List.of("NOT-A-CIPHER"))),
                TlsOptions.defaults());
        assertThat(bad.current()).isEmpty();
        assertThat(bad.lastError().orElseThrow()).contains("cipher suite 'NOT-A-CIPHER' is not supported");
    }

    @Test
    void envoyCipherNamesAreTranslatedForTheJdkProvider() {
        TlsParams p = new TlsParams(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3,
                List.of("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        assertThat(SslContexts.cipherSuites(p, SslProvider.JDK)).containsExactly(
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
        assertThatThrownBy(() -> SslContexts.cipherSuites(new TlsParams(TlsVersion.TLS_1_2, TlsVersion.TLS_1_2,
                List.of("RC4-MD5")), SslProvider.JDK)).hasMessageContaining("'RC4-MD5' is not supported by the JDK");
    }

    @Test
    void tlsVersionsUseEnvoysSpellingAndRejectOldOnes() {
        assertThat(TlsVersion.fromName("TLSv1_2")).isEqualTo(TlsVersion.TLS_1_2);
        assertThat(TlsVersion.fromName("TLSv1.3")).isEqualTo(TlsVersion.TLS_1_3);
        assertThatThrownBy(() -> TlsVersion.fromName("TLSv1_0")).hasMessageContaining("older versions are not offered");
        assertThatThrownBy(() -> new TlsParams(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2, List.of()))
                .hasMessage("TLS versions: min TLSv1.3 > max TLSv1.2 (expected: min <= max)");
        assertThat(TlsParams.DEFAULT.protocols()).containsExactly("TLSv1.3");
        assertThat(TlsParams.allowTls12().protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    }

    @Test
    void boringSslIsPreferredWhenItLoadsAndDescribedForServerInfo() {
        // The stack pins netty-tcnative-boringssl-static for linux-x86_64, which this build runs on.
        assertThat(TlsProviders.isNative()).isTrue();
        assertThat(TlsProviders.preferred()).isEqualTo(SslProvider.OPENSSL);
        assertThat(TlsProviders.fallbackCause()).isEmpty();
        assertThat(TlsProviders.description()).startsWith("BoringSSL");
    }
}
