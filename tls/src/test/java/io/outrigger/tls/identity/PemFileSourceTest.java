package io.outrigger.tls.identity;

import static io.outrigger.tls.testing.Pki.BACKEND;
import static io.outrigger.tls.testing.Pki.LOCAL;
import static io.outrigger.tls.testing.Pki.LOCAL_CA;
import static io.outrigger.tls.testing.Pki.REMOTE;
import static io.outrigger.tls.testing.Pki.REMOTE_CA;
import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.tls.metrics.TlsCounters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File watching driven poll by poll, so every step is deterministic. */
class PemFileSourceTest {
    @TempDir
    Path dir;
    private final TlsCounters metrics = new TlsCounters();
    private final SecretStore store = new SecretStore(metrics);

    private PemFileSource source() {
        return PemFileSource.builder(store)
                .certificate("default", dir.resolve("cert-chain.pem"), dir.resolve("key.pem"))
                .trustBundle("ROOTCA", LOCAL, dir.resolve("root-cert.pem"))
                .trustBundle("ROOTCA", REMOTE, dir.resolve("cluster2-root.pem"))
                .metrics(metrics).build();
    }

    @Test
    void missingFilesAreReportedThenLoadedWhenTheyAppear() throws Exception {
        PemFileSource s = source();
        s.pollOnce();
        assertThat(s.lastError("default").orElseThrow()).startsWith("file not found: ").contains("cert-chain.pem");
        assertThat(store.certificate("default")).isEmpty();

        Svid svid = LOCAL_CA.issue(BACKEND, Duration.ofHours(1));
        Files.write(dir.resolve("cert-chain.pem"), Pem.encode(svid.chain()));
        Files.write(dir.resolve("key.pem"), Pem.encode(svid.privateKey()));
        Files.write(dir.resolve("root-cert.pem"), Pem.encode(LOCAL_CA.root().certificate()));
        s.pollOnce();
        assertThat(store.certificate("default")).contains(svid);
        assertThat(s.lastError("default")).isEmpty();
        // One federated bundle is still missing: the local one is served meanwhile.
        assertThat(store.validationContext("ROOTCA").orElseThrow().byDomain()).containsOnlyKeys(LOCAL);

        Files.write(dir.resolve("cluster2-root.pem"), Pem.encode(REMOTE_CA.root().certificate()));
        s.pollOnce();
        assertThat(store.validationContext("ROOTCA").orElseThrow().byDomain()).containsOnlyKeys(LOCAL, REMOTE);
    }

    @Test
    void certificateRotatedBeforeItsKeyIsRejectedUntilTheKeyFollows() throws Exception {
        Svid first = LOCAL_CA.issue(BACKEND, Duration.ofHours(1));
        Svid second = LOCAL_CA.issue(BACKEND, Duration.ofHours(2));
        Files.write(dir.resolve("cert-chain.pem"), Pem.encode(first.chain()));
        Files.write(dir.resolve("key.pem"), Pem.encode(first.privateKey()));
        PemFileSource s = source();
        s.pollOnce();
        assertThat(store.certificate("default")).contains(first);

        Files.write(dir.resolve("cert-chain.pem"), Pem.encode(second.chain()));
        s.pollOnce();
        assertThat(s.lastError("default").orElseThrow()).contains("private key does not match the leaf certificate");
        assertThat(store.certificate("default")).contains(first);
        long failures = metrics.loadFailures();
        s.pollOnce(); // same bad content: not reported again
        assertThat(metrics.loadFailures()).isEqualTo(failures);

        Files.write(dir.resolve("key.pem"), Pem.encode(second.privateKey()));
        s.pollOnce();
        assertThat(store.certificate("default")).contains(second);
        assertThat(s.lastError("default")).isEmpty();
    }

    @Test
    void rewritingIdenticalContentPublishesNothingNew() throws Exception {
        Svid svid = LOCAL_CA.issue(BACKEND, Duration.ofHours(1));
        Files.write(dir.resolve("cert-chain.pem"), Pem.encode(svid.chain()));
        Files.write(dir.resolve("key.pem"), Pem.encode(svid.privateKey()));
        PemFileSource s = source();
        s.pollOnce();
        int[] notified = {0};
        store.watchCertificate("default", v -> notified[0]++);
        Files.write(dir.resolve("cert-chain.pem"), Pem.encode(svid.chain()));
        Files.setLastModifiedTime(dir.resolve("cert-chain.pem"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        s.pollOnce();
        assertThat(notified[0]).isEqualTo(1); // the initial callback only
    }
}
