package io.outrigger.tls.identity;

import static io.outrigger.tls.testing.Pki.FRONTEND;
import static io.outrigger.tls.testing.Pki.LOCAL_CA;
import static io.outrigger.tls.testing.Pki.REMOTE_CA;
import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.tls.metrics.TlsCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretStoreTest {
    @Test
    void watcherGetsTheCurrentValueThenEveryChangeButNotRepeats() {
        TlsCounters metrics = new TlsCounters();
        SecretStore store = new SecretStore(metrics);
        Svid first = LOCAL_CA.issue(FRONTEND, Duration.ofHours(1));
        Svid second = LOCAL_CA.issue(FRONTEND, Duration.ofHours(2));
        store.putCertificate("default", first);
        List<Svid> seen = new ArrayList<>();
        var sub = store.watchCertificate("default", seen::add);
        store.putCertificate("default", first);
        store.putCertificate("default", second);
        assertThat(seen).containsExactly(first, second);
        assertThat(metrics.serial("default")).isEqualTo(second.serial());
        assertThat(metrics.expiry("default")).isEqualTo(second.notAfter());
        sub.close();
        store.putCertificate("default", first);
        assertThat(seen).hasSize(2);
        assertThat(store.certificates()).containsEntry("default", first);
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        SecretStore store = new SecretStore();
        List<TrustBundles> seen = new ArrayList<>();
        store.watchValidationContext("ROOTCA", b -> {
            throw new IllegalStateException("boom");
        });
        store.watchValidationContext("ROOTCA", seen::add);
        TrustBundles bundles = TrustBundles.of(LOCAL_CA.bundle(), REMOTE_CA.bundle());
        store.putValidationContext("ROOTCA", bundles);
        assertThat(seen).containsExactly(bundles);
        assertThat(store.validationContext("ROOTCA").orElseThrow().bundleFor(REMOTE_CA.trustDomain()))
                .contains(REMOTE_CA.bundle());
        assertThat(store.validationContext("other")).isEmpty();
    }
}
