package io.outrigger.bench.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.outrigger.proxy.cluster.LbFactories;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.server.ServerOptions;
import io.outrigger.proxy.transport.Transport;
import io.outrigger.xds.snapshot.AdminSpec;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.NodeInfo;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 * Bytes through proxy-core's real tcp_proxy relay on loopback: a {@link ProxyServer} in this JVM
 * (one event loop, the detected transport) between a blocking JDK client and a blocking JDK echo
 * backend. One operation is one {@code chunk} written by the client, relayed to the backend,
 * echoed, relayed back and read: so it crosses the relay twice. {@code target=direct} runs the
 * same exchange without the proxy, as the baseline.
 *
 * <p>With {@code -prof gc}, {@code gc.alloc.rate.norm} counts every thread of the JVM: the client
 * and backend reuse their arrays, so B/op is what the proxy's event loop allocates per exchange.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RelayBenchmark {
    @Param({"proxy", "direct"})
    public String target;

    @Param({"1024", "16384", "131072"})
    public int chunk;

    /** Netty 4.2's default (adaptive) or the classic pooled arena allocator, for the proxy's buffers. */
    @Param({"default", "pooled"})
    public String allocator;

    private ServerSocket backend;
    private Thread backendThread;
    private ProxyServer proxy;
    private Socket client;
    private OutputStream out;
    private InputStream in;
    private byte[] request;
    private byte[] response;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        backend = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        backendThread = Thread.ofPlatform().daemon().name("echo-backend").start(this::echo);
        int port = backend.getLocalPort();
        if (target.equals("proxy")) {
            proxy = new ProxyServer(ServerOptions.defaults(LbFactories.envoyDefaults(ServerOptions.THREAD_LOCAL_RANDOM,
                    Clock.systemUTC())).withConcurrency(1).withAllocator(allocator.equals("pooled") ? PooledByteBufAllocator.DEFAULT
                            : ByteBufAllocator.DEFAULT), Transport.detect());
            proxy.start(snapshot(port), () -> "{}");
            port = proxy.listenerAddress("bench").getPort();
        }
        client = new Socket(InetAddress.getLoopbackAddress(), port);
        client.setTcpNoDelay(true);
        out = client.getOutputStream();
        in = client.getInputStream();
        request = new byte[chunk];
        new SplittableRandom(1).nextBytes(request);
        response = new byte[chunk];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.close();
        if (proxy != null) {
            proxy.close();
        }
        backend.close();
        backendThread.join(5_000);
    }

    /** One chunk there and back through the relay; returns a byte so the JIT keeps the read. */
    @Benchmark
    public byte exchange() throws IOException {
        out.write(request);
        int read = 0;
        while (read < chunk) {
            int n = in.read(response, read, chunk - read);
            if (n < 0) {
                throw new IOException("closed after " + read + " of " + chunk + " bytes");
            }
            read += n;
        }
        return response[chunk - 1];
    }

    private void echo() {
        try (Socket s = backend.accept()) {
            s.setTcpNoDelay(true);
            byte[] buf = new byte[256 * 1024];
            InputStream bin = s.getInputStream();
            OutputStream bout = s.getOutputStream();
            int n;
            while ((n = bin.read(buf)) >= 0) {
                bout.write(buf, 0, n);
            }
        } catch (IOException closed) {
            // the trial ended
        }
    }

    private static ConfigSnapshot snapshot(int backendPort) {
        TcpProxySpec tcp = new TcpProxySpec("envoy.filters.network.tcp_proxy", "bench",
                List.of(new WeightedClusterSpec("backend", 1)), Duration.ZERO);
        ListenerSpec listener = new ListenerSpec("bench", new SocketAddressSpec("127.0.0.1", 0), true, false,
                List.of(), List.of(new FilterChainSpec("", FilterChainMatchSpec.ANY, List.of(tcp))), null);
        ClusterSpec cluster = new ClusterSpec("backend", ClusterSpec.DiscoveryType.STATIC, Duration.ofSeconds(1),
                ClusterSpec.LbPolicyName.ROUND_ROBIN, new LoadAssignmentSpec("backend", List.of(
                new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 0, List.of(new EndpointSpec(
                        new SocketAddressSpec("127.0.0.1", backendPort), 1, EndpointSpec.Health.HEALTHY,
                        Map.of())))), 140));
        return new ConfigSnapshot(new NodeInfo("bench", "bench", LocalitySpec.EMPTY, Map.of()),
                new AdminSpec(new SocketAddressSpec("127.0.0.1", 0)), List.of(listener), List.of(cluster), "static",
                "RelayBenchmark");
    }
}
