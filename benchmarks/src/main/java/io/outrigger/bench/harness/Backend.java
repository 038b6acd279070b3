package io.outrigger.bench.harness;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's upstream: an HTTP/1.1 + h2c server and a TCP echo server on loopback, with an
 * optional fixed response delay and an optional one-time stall. Every proxy in a side-by-side run
 * forwards to the same instance, so differences come from the proxies, not from the upstream.
 */
public final class Backend implements AutoCloseable {

    /**
     * @param host               address to bind, normally 127.0.0.1
     * @param httpPort           HTTP/1.1 and h2c port, 0 for any free port
     * @param tcpPort            TCP echo port, 0 for any free port
     * @param threads            event loops
     * @param delay              added before every response (0 for none)
     * @param responseBytes      body size of HTTP responses to requests without a body or {@code ?size=}
     * @param stallAfterRequests the request that starts the one-time stall, 0 for none
     * @param stall              how long the stall holds every response
     * @param tls                the identity to serve mutual TLS with on both ports, null for cleartext
     */
    public record Options(String host, int httpPort, int tcpPort, int threads, Duration delay, int responseBytes,
                          long stallAfterRequests, Duration stall, TlsFiles tls) {
        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(stall, "stall");
            if (httpPort < 0 || httpPort > 65535) {
                throw new IllegalArgumentException("httpPort: " + httpPort + " (expected: 0..65535)");
            }
            if (tcpPort < 0 || tcpPort > 65535) {
                throw new IllegalArgumentException("tcpPort: " + tcpPort + " (expected: 0..65535)");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
            }
            if (delay.isNegative() || stall.isNegative()) {
                throw new IllegalArgumentException("delay: " + delay + ", stall: " + stall + " (expected: >= 0)");
            }
            if (stallAfterRequests < 0) {
                throw new IllegalArgumentException("stallAfterRequests: " + stallAfterRequests + " (expected: >= 0)");
            }
        }

        /** Loopback, any free ports, one thread, no delay, 2-byte bodies, no stall. */
        public static Options defaults() {
            return new Options("127.0.0.1", 0, 0, 1, Duration.ZERO, 2, 0, Duration.ZERO, null);
        }

        public Options withDelay(Duration d) {
            return new Options(host, httpPort, tcpPort, threads, d, responseBytes, stallAfterRequests, stall, tls);
        }

        public Options withStall(long afterRequests, Duration d) {
            return new Options(host, httpPort, tcpPort, threads, delay, responseBytes, afterRequests, d, tls);
        }

        public Options withThreads(int n) {
            return new Options(host, httpPort, tcpPort, n, delay, responseBytes, stallAfterRequests, stall, tls);
        }

        /** Both ports serve mutual TLS with {@code files} (null: cleartext). */
        public Options withTls(TlsFiles files) {
            return new Options(host, httpPort, tcpPort, threads, delay, responseBytes, stallAfterRequests, stall, files);
        }
    }

    private final MultiThreadIoEventLoopGroup group;
    private final Channel http;
    private final Channel tcp;
    private final ResponseGate gate;

    private Backend(MultiThreadIoEventLoopGroup group, Channel http, Channel tcp, ResponseGate gate) {
        this.group = group;
        this.http = http;
        this.tcp = tcp;
        this.gate = gate;
    }

    /** Binds both ports and returns once they accept connections. */
    public static Backend start(Options options) throws InterruptedException, javax.net.ssl.SSLException {
        Objects.requireNonNull(options, "options");
        Transport transport = Transport.best();
        MultiThreadIoEventLoopGroup group = transport.newGroup(options.threads(), "backend");
        ResponseGate gate = new ResponseGate(System::nanoTime, options.delay().toNanos(),
                options.stallAfterRequests(), options.stall().toNanos());
        ResponseBodies bodies = new ResponseBodies(options.responseBytes());
        try {
            SslContext tls = options.tls() == null ? null : options.tls().serverContext();
            Channel http = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new ProtocolSniffer(gate, bodies));
                        }
                    })
                    .bind(options.host(), options.httpPort()).sync().channel();
            Channel tcp = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new BackendEchoHandler(gate));
                        }
                    })
                    .bind(options.host(), options.tcpPort()).sync().channel();
            return new Backend(group, http, tcp, gate);
        } catch (RuntimeException | InterruptedException | javax.net.ssl.SSLException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress httpAddress() {
        return (InetSocketAddress) http.localAddress();
    }

    public InetSocketAddress tcpAddress() {
        return (InetSocketAddress) tcp.localAddress();
    }

    /** Holds every response, HTTP and TCP, from now until {@code d} from now. */
    public void stall(Duration d) {
        gate.stall(d.toNanos());
    }

    /** HTTP requests and TCP reads answered or scheduled so far. */
    public long requests() {
        return gate.requests();
    }

    @Override
    public void close() {
        http.close().syncUninterruptibly();
        tcp.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** {@code backend --http-port 8080 --tcp-port 9000 --delay 20ms}: runs until killed. */
    @Command(name = "backend", mixinStandardHelpOptions = true,
            description = "HTTP/1.1 + h2c and TCP echo server for benchmarks.")
    static final class Cli implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1") String host;
        @Option(names = "--http-port", defaultValue = "8080") int httpPort;
        @Option(names = "--tcp-port", defaultValue = "9000") int tcpPort;
        @Option(names = "--threads", defaultValue = "1") int threads;
        @Option(names = "--delay", defaultValue = "0ms", converter = Durations.class,
                description = "added before every response, e.g. 20ms") Duration delay;
        @Option(names = "--response-bytes", defaultValue = "2") int responseBytes;
        @Option(names = "--stall-after", defaultValue = "0",
                description = "the request that starts a one-time stall (0: none)") long stallAfter;
        @Option(names = "--stall", defaultValue = "0ms", converter = Durations.class) Duration stall;
        @Option(names = "--tls-dir", description = "serve mutual TLS with cert-chain.pem, key.pem, root-cert.pem from this directory")
        java.nio.file.Path tlsDir;

        @Override
        public Integer call() throws Exception {
            Backend b = start(new Options(host, httpPort, tcpPort, threads, delay, responseBytes, stallAfter, stall,
                    tlsDir == null ? null : TlsFiles.istio(tlsDir)));
            System.err.println("backend: http/h2c on " + b.httpAddress() + ", tcp echo on " + b.tcpAddress());
            Runtime.getRuntime().addShutdownHook(new Thread(b::close));
            new CountDownLatch(1).await();
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(LoadGen.commandLine(new Cli(), "backend").execute(args));
    }
}
