package io.outrigger.bench.tls;

import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk data through SslHandler: one operation encrypts 16 KiB (one full TLS record) on the client and
 * decrypts it on the server, TLS 1.3 with the suite the pair negotiates (AES-128-GCM on x86 with AES-NI).
 * Throughput in MiB/s = ops/s * 16 / 1024; compare with {@code openssl speed -evp aes-128-gcm} (16384-byte
 * column), which does encryption only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BulkTransferBenchmark {
    static final int RECORD = 16 * 1024;

    @Param({"OPENSSL", "JDK"})
    public SslProvider provider;

    private TlsPair pair;
    private ByteBuf payload;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pair = new TlsPair(TlsPair.Contexts.create(provider));
        pair.handshake();
        payload = pair.client.alloc().directBuffer(RECORD).writeZero(RECORD);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        payload.release();
        pair.close();
    }

    @Benchmark
    public long encryptAndDecrypt16KiB() {
        // retainedDuplicate: the handler releases what it writes; our payload stays for the next op.
        pair.client.writeAndFlush(payload.retainedDuplicate());
        pair.pump();
        return pair.plaintextReceived;
    }
}
