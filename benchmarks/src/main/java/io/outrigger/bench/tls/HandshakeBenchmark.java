package io.outrigger.bench.tls;

import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one full mutual-TLS 1.3 handshake (ECDHE + two EC P-256 signatures, both chains verified by our
 * SPIFFE trust manager), client and server on the same thread, BoringSSL vs the JDK provider. No session
 * resumption: every iteration uses fresh engines from the same contexts, as a sidecar does for new peers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandshakeBenchmark {
    @Param({"OPENSSL", "JDK"})
    public SslProvider provider;

    private TlsPair.Contexts contexts;

    @Setup
    public void setUp() throws Exception {
        contexts = TlsPair.Contexts.create(provider);
    }

    @Benchmark
    public boolean mutualTlsHandshake() {
        try (TlsPair pair = new TlsPair(contexts)) {
            pair.handshake();
            return pair.serverSsl.handshakeFuture().isSuccess();
        }
    }
}
