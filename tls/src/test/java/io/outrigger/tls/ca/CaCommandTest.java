package io.outrigger.tls.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.tls.identity.Pem;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundle;
import io.outrigger.tls.identity.TrustBundles;
import io.outrigger.tls.identity.TrustDomain;
import io.outrigger.tls.verify.SpiffeVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    @TempDir
    Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return new CaCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom()).run(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void initThenIssueWritesAnIstioStyleSvidThatVerifiesToTheRoot() throws Exception {
        Path ca = tmp.resolve("ca");
        Path pod = tmp.resolve("etc-certs");
        assertThat(run(Map.of(), "init", "--trust-domain", "cluster.local", "--out", ca.toString())).isZero();
        assertThat(run(Map.of(), "issue", "--spiffe-id", "spiffe://cluster.local/ns/prod/sa/frontend", "--ttl", "1h",
                "--out", pod.toString(), "--intermediate", "east", "--ca", ca.toString())).as(err()).isZero();

        Svid svid = Svid.of(Pem.certificates(Files.readAllBytes(pod.resolve("cert-chain.pem")), "chain"),
                Pem.privateKey(Files.readAllBytes(pod.resolve("key.pem")), "key"));
        assertThat(svid.spiffeId()).isEqualTo(SpiffeId.istio("cluster.local", "prod", "frontend"));
        assertThat(svid.chain()).hasSize(2);
        assertThat(svid.notAfter()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(((ECPublicKey) svid.leaf().getPublicKey()).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        assertThat(svid.leaf().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(svid.chain().get(1).getBasicConstraints()).isZero();
        assertThat(Files.getPosixFilePermissions(pod.resolve("key.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        var roots = Pem.certificates(Files.readAllBytes(pod.resolve("root-cert.pem")), "root");
        assertThat(roots.getFirst().getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        var verdict = new SpiffeVerifier(TrustBundles.of(new TrustBundle(new TrustDomain("cluster.local"), roots)),
                List.of(), Clock.fixed(NOW, ZoneOffset.UTC)).verify(svid.chainArray());
        assertThat(verdict.ok()).as(verdict.detail()).isTrue();
        assertThat(Files.exists(ca.resolve("intermediates/east/ca-cert.pem"))).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("issued spiffe://cluster.local/ns/prod/sa/frontend");
    }

    @Test
    void svidsOfOneClusterShareItsIntermediate() throws Exception {
        Path ca = tmp.resolve("ca");
        run(Map.of(), "init", "--trust-domain", "cluster.local", "--out", ca.toString());
        Map<String, String> env = Map.of("OUTRIGGER_CA_DIR", ca.toString());
        assertThat(run(env, "issue", "--spiffe-id", "spiffe://cluster.local/a", "--ttl", "30m", "--out",
                tmp.resolve("a").toString(), "--intermediate", "east")).as(err()).isZero();
        assertThat(run(env, "issue", "--spiffe-id", "spiffe://cluster.local/b", "--ttl=2d", "--out",
                tmp.resolve("b").toString(), "--intermediate", "east")).as(err()).isZero();
        var a = Pem.certificates(Files.readAllBytes(tmp.resolve("a/cert-chain.pem")), "a");
        var b = Pem.certificates(Files.readAllBytes(tmp.resolve("b/cert-chain.pem")), "b");
        assertThat(a.get(1)).isEqualTo(b.get(1));
        assertThat(b.getFirst().getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(2)));
    }

    @Test
    void initRefusesToOverwriteAnExistingCa() {
        Path ca = tmp.resolve("ca");
        assertThat(run(Map.of(), "init", "--trust-domain", "cluster.local", "--out", ca.toString())).isZero();
        assertThat(run(Map.of(), "init", "--trust-domain", "cluster.local", "--out", ca.toString())).isEqualTo(1);
        assertThat(err()).contains("already holds a CA");
    }

    @Test
    void usageErrorsSayWhatIsWrong() {
        assertThat(run(Map.of(), "init", "--trust-domain", "cluster.local")).isEqualTo(2);
        assertThat(err()).contains("--out is required").contains("usage: outrigger ca init");
        assertThat(run(Map.of(), "init", "--trust-domain", "Cluster.Local", "--out", "x")).isEqualTo(2);
        assertThat(err()).contains("trust domain characters are limited to lowercase letters");
        assertThat(run(Map.of(), "issue", "--spiffe-id", "spiffe://cluster.local/a", "--ttl", "1h", "--out", "x"))
                .isEqualTo(2);
        assertThat(err()).contains("--ca DIR is required (or set OUTRIGGER_CA_DIR)");
        assertThat(run(Map.of(), "issue", "--spiffe-id", "spiffe://cluster.local/a", "--ttl", "1 hour", "--out", "x",
                "--ca", "y")).isEqualTo(2);
        assertThat(err()).contains("duration '1 hour' (expected: e.g. 90s, 30m, 1h, 7d)");
        assertThat(run(Map.of(), "revoke")).isEqualTo(2);
        assertThat(err()).contains("unknown command 'revoke'");
        assertThat(run(Map.of(), "init", "--trust-domain", "a.b", "--out", "x", "--force", "yes")).isEqualTo(2);
        assertThat(err()).contains("unknown option '--force'");
    }

    @Test
    void issuingOutsideTheCasTrustDomainIsRefused() {
        Path ca = tmp.resolve("ca");
        run(Map.of(), "init", "--trust-domain", "cluster.local", "--out", ca.toString());
        assertThat(run(Map.of(), "issue", "--spiffe-id", "spiffe://other.org/a", "--ttl", "1h", "--out",
                tmp.resolve("p").toString(), "--ca", ca.toString())).isEqualTo(2);
        assertThat(err()).contains("is not in the CA's trust domain cluster.local");
    }

    @Test
    void durationsAcceptUnitsAndIso8601() {
        assertThat(CaCommand.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(CaCommand.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(CaCommand.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(CaCommand.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
    }
}
