package io.outrigger.bench.tls;

import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslProvider;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * CPU time (not wall time) of the same operations as {@link HandshakeBenchmark} and
 * {@link BulkTransferBenchmark}, measured with the thread's CPU clock. On a shared, overloaded machine wall
 * time mostly measures waiting for a core; CPU time is what {@code openssl speed} reports by default, so
 * these figures are the ones to compare with it.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar io.outrigger.bench.tls.TlsCpuCost</pre>
 */
public final class TlsCpuCost {
    private TlsCpuCost() {
    }

    public static void main(String[] args) throws Exception {
        int handshakes = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
        PrintStream out = System.out;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        out.printf(Locale.ROOT, "SpiffeVerifier.verify (leaf + intermediate, PKIX to the bundle): %.1f us CPU%n",
                verifyCost(mx, handshakes * 2));
        for (SslProvider provider : new SslProvider[] {SslProvider.OPENSSL, SslProvider.JDK}) {
            TlsPair.Contexts contexts = TlsPair.Contexts.create(provider);
            handshakes(contexts, handshakes / 2); // warm-up: JIT, BoringSSL tables
            long t0 = mx.getCurrentThreadCpuTime();
            handshakes(contexts, handshakes);
            double usPerHandshake = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / handshakes;

            try (TlsPair pair = new TlsPair(contexts)) {
                pair.handshake();
                ByteBuf payload = pair.client.alloc().directBuffer(BulkTransferBenchmark.RECORD)
                        .writeZero(BulkTransferBenchmark.RECORD);
                try {
                    transfer(pair, payload, records / 2);
                    long t1 = mx.getCurrentThreadCpuTime();
                    transfer(pair, payload, records);
                    double seconds = (mx.getCurrentThreadCpuTime() - t1) / 1e9;
                    double mibPerSecond = records * (double) BulkTransferBenchmark.RECORD / (1 << 20) / seconds;
                    out.printf(Locale.ROOT, "%-7s mTLS 1.3 handshake (both sides): %8.1f us CPU | 16 KiB encrypt+decrypt:"
                            + " %7.1f MiB/s per CPU second (%6.1f us per record)%n", provider, usPerHandshake,
                            mibPerSecond, seconds * 1e6 / records);
                } finally {
                    payload.release();
                }
            }
        }
    }

    /** Our part of each handshake side: SPIFFE ID extraction, validity, PKIX path validation, SAN matching. */
    private static double verifyCost(ThreadMXBean mx, int n) {
        var ca = io.outrigger.tls.ca.DevCa.create(new io.outrigger.tls.identity.TrustDomain("cluster.local"));
        var chain = ca.issue(io.outrigger.tls.identity.SpiffeId.istio("cluster.local", "prod", "web"),
                java.time.Duration.ofHours(1), "east").chainArray();
        var verifier = new io.outrigger.tls.verify.SpiffeVerifier(io.outrigger.tls.identity.TrustBundles.of(ca.bundle()),
                java.util.List.of(io.outrigger.tls.verify.SanMatcher.uriPrefix("spiffe://cluster.local/")),
                java.time.Clock.systemUTC());
        for (int i = 0; i < n; i++) {
            verifier.verify(chain);
        }
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            if (!verifier.verify(chain).ok()) {
                throw new IllegalStateException("verification failed");
            }
        }
        return (mx.getCurrentThreadCpuTime() - t0) / 1e3 / n;
    }

    private static void handshakes(TlsPair.Contexts contexts, int n) {
        for (int i = 0; i < n; i++) {
            try (TlsPair pair = new TlsPair(contexts)) {
                pair.handshake();
            }
        }
    }

    private static void transfer(TlsPair pair, ByteBuf payload, int n) {
        for (int i = 0; i < n; i++) {
            pair.client.writeAndFlush(payload.retainedDuplicate());
            pair.pump();
        }
    }
}
