package io.outrigger.proxy.tls;

import io.outrigger.tls.ca.DevCa;
import io.outrigger.tls.identity.Pem;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustDomain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Certificates for mTLS tests, made by the dev CA that {@code outrigger ca} uses: a root per trust domain and
 * SVIDs written the way Istio mounts them ({@code cert-chain.pem}, {@code key.pem}, {@code root-cert.pem}).
 */
final class MeshCerts {
    static final String WEB = "spiffe://cluster.local/ns/default/sa/web";
    static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/reviews";

    private final DevCa ca;

    private MeshCerts(DevCa ca) {
        this.ca = ca;
    }

    static MeshCerts trustDomain(String td) {
        return new MeshCerts(DevCa.create(TrustDomain.of(td)));
    }

    DevCa ca() {
        return ca;
    }

    /** Issues an SVID for {@code id} valid for {@code ttl} and writes it to {@code dir}. */
    Svid issue(String id, Duration ttl, Path dir) throws IOException {
        Svid svid = ca.issue(SpiffeId.parse(id), ttl);
        ca.writeSvid(svid, dir);
        return svid;
    }

    /** Issues an SVID whose validity window is given, e.g. one that has already expired. */
    Svid issue(String id, Instant notBefore, Instant notAfter, Path dir) throws IOException {
        Svid svid = ca.issue(SpiffeId.parse(id), notBefore, notAfter, null);
        ca.writeSvid(svid, dir);
        return svid;
    }

    /** Writes only the root, e.g. a federated trust domain's bundle. */
    Path writeRoot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, Pem.encode(ca.root().certificate()));
        return file;
    }
}
