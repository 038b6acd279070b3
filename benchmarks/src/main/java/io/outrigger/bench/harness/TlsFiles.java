package io.outrigger.bench.harness;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.outrigger.tls.ca.DevCa;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.identity.TrustDomain;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A workload identity in the files Istio mounts: {@code cert-chain.pem} (leaf first), {@code key.pem}
 * (PKCS#8) and {@code root-cert.pem} (the CA peers are verified against). The load generator and the
 * backend use it for mutual TLS, as a sidecar's peer would.
 */
public record TlsFiles(Path certChain, Path key, Path rootCert) {

    public TlsFiles {
        Objects.requireNonNull(certChain, "certChain");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rootCert, "rootCert");
    }

    /** {@code dir/cert-chain.pem}, {@code dir/key.pem}, {@code dir/root-cert.pem}; all must exist. */
    public static TlsFiles istio(Path dir) {
        TlsFiles f = new TlsFiles(dir.resolve("cert-chain.pem"), dir.resolve("key.pem"), dir.resolve("root-cert.pem"));
        for (Path p : new Path[] {f.certChain, f.key, f.rootCert}) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("tls dir: " + dir + " has no readable " + p.getFileName()
                        + " (expected: cert-chain.pem, key.pem and root-cert.pem, as Istio mounts them)");
            }
        }
        return f;
    }

    /**
     * Issues {@code spiffe://cluster.local/ns/bench/sa/<serviceAccount>} from a fresh dev CA into
     * {@code dir}, and the same for every other name, so all of them trust each other.
     */
    public static TlsFiles[] devIdentities(Path dir, String... serviceAccounts) throws IOException {
        DevCa ca = DevCa.create(TrustDomain.of("cluster.local"));
        TlsFiles[] out = new TlsFiles[serviceAccounts.length];
        for (int i = 0; i < serviceAccounts.length; i++) {
            Path d = dir.resolve(serviceAccounts[i]);
            ca.writeSvid(ca.issue(SpiffeId.istio("cluster.local", "bench", serviceAccounts[i]), Duration.ofDays(1)), d);
            out[i] = istio(d);
        }
        return out;
    }

    /**
     * A client context presenting this identity and trusting {@link #rootCert}. SPIFFE certificates
     * carry only a URI SAN, so host name checking is off; the chain is still verified.
     */
    SslContext clientContext() throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(provider())
                .keyManager(certChain.toFile(), key.toFile())
                .trustManager(rootCert.toFile())
                .endpointIdentificationAlgorithm(null)
                .build();
    }

    /** A server context presenting this identity and requiring a client certificate from {@link #rootCert}. */
    SslContext serverContext() throws SSLException {
        return SslContextBuilder.forServer(certChain.toFile(), key.toFile())
                .sslProvider(provider())
                .trustManager(rootCert.toFile())
                .clientAuth(ClientAuth.REQUIRE)
                .build();
    }

    private static SslProvider provider() {
        // BoringSSL when netty-tcnative loads, like the proxy; the JDK's TLS otherwise.
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
