package io.outrigger.bench.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator and the backend speak mutual TLS with SPIFFE identities from the dev CA, the
 * way a sidecar's peer does, and a peer without a certificate from the same CA gets nothing through.
 */
@Timeout(30)
class MutualTlsLoadTest {

    @TempDir
    Path dir;

    private static LoadSpec spec(Protocol p, Backend backend) {
        InetSocketAddress target = p == Protocol.TCP_RR ? backend.tcpAddress() : backend.httpAddress();
        LoadSpec s = LoadSpec.of(p, target, 2, 0, p == Protocol.TCP_RR ? 1024 : 64, Duration.ofSeconds(1))
                .withWarmup(Duration.ofMillis(300));
        return p == Protocol.H2C ? s.withStreams(4) : s;
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"HTTP1", "H2C", "TCP_RR"})
    void requestsCompleteOverMutualTls(Protocol protocol) throws Exception {
        TlsFiles[] ids = TlsFiles.devIdentities(dir, "loadgen", "backend");
        try (Backend backend = Backend.start(Backend.Options.defaults().withTls(ids[1]))) {
            LoadResult r = new LoadRunner().run(spec(protocol, backend).withTls(ids[0]), p -> { });

            assertThat(r.errors()).isZero();
            assertThat(r.completed()).isPositive();
            // Bodies and echoes are intact through TLS: as many bytes come back as the requests asked for.
            assertThat(r.bytesReceived()).isEqualTo(r.completed() * (protocol == Protocol.TCP_RR ? 1024 : 64));
        }
    }

    @Test
    void aClientFromAnotherCaGetsNoResponses() throws Exception {
        TlsFiles backendId = TlsFiles.devIdentities(dir.resolve("ours"), "backend")[0];
        TlsFiles stranger = TlsFiles.devIdentities(dir.resolve("theirs"), "stranger")[0];
        try (Backend backend = Backend.start(Backend.Options.defaults().withTls(backendId))) {
            LoadResult r = new LoadRunner().run(spec(Protocol.HTTP1, backend).withTls(stranger), p -> { });

            assertThat(r.completed()).isZero();
            assertThat(backend.requests()).isZero();
        }
    }
}
