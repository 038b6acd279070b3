package io.outrigger.bench.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A subject set up for one scenario: where the load generator connects, the identity it presents
 * there (null: cleartext), and the proxy process behind that address (none for {@code direct}).
 */
record RunningSubject(SubjectKind kind, InetSocketAddress address, TlsFiles clientTls, ProxyProcess process)
        implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Starts {@code kind} in front of the backend port the scenario's traffic goes to.
     *
     * @param outrigger the {@code bin/outrigger} launcher
     * @param workers   worker threads (Outrigger --concurrency, HAProxy nbthread, nginx worker_processes)
     */
    static RunningSubject start(SubjectKind kind, Scenario scenario, Testbed testbed, Path workDir, Path outrigger,
                                int workers) throws IOException, InterruptedException {
        boolean httpTraffic = scenario.load().protocol().isHttp();
        ProxyMode mode = scenario.modes().get(kind);
        boolean mtls = mode == ProxyMode.TCP_MTLS;
        TlsFiles clientTls = mtls ? testbed.client() : null;
        if (kind == SubjectKind.DIRECT) {
            Backend b = mtls ? testbed.tlsBackend() : testbed.backend();
            return new RunningSubject(kind, httpTraffic ? b.httpAddress() : b.tcpAddress(), clientTls, null);
        }
        InetSocketAddress upstream = httpTraffic ? testbed.backend().httpAddress() : testbed.backend().tcpAddress();
        Path dir = Files.createDirectories(workDir.resolve(scenario.id() + "-" + kind.label()));
        // nginx workers run as an unprivileged user and write temp files here.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = freePort();
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", port);
        Path log = dir.resolve("stdout.log");
        List<String> command = switch (kind) {
            case OUTRIGGER -> {
                if (mode != ProxyMode.TCP) {
                    // Never measure a tcp_proxy while the report says HTTP.
                    throw new IOException("the harness writes only tcp_proxy bootstraps for Outrigger, scenario "
                            + scenario.id() + " asks for " + mode + " (add it to ProxyConfigs.outriggerBootstrap)");
                }
                Path bootstrap = dir.resolve("bootstrap.yaml");
                Files.writeString(bootstrap, ProxyConfigs.outriggerBootstrap(port, freePort(), upstream.getPort()));
                yield List.of(outrigger.toString(), "-c", bootstrap.toString(), "--concurrency", Integer.toString(workers));
            }
            case HAPROXY -> {
                Path cfg = dir.resolve("haproxy.cfg");
                Files.writeString(cfg, ProxyConfigs.haproxy(mode, workers, port, upstream.getPort(), testbed.proxy(), dir));
                yield List.of("haproxy", "-f", cfg.toString(), "-db");
            }
            case NGINX -> {
                Path conf = dir.resolve("nginx.conf");
                Files.writeString(conf, ProxyConfigs.nginx(mode, workers, port, upstream.getPort(), dir, testbed.proxy()));
                yield List.of("nginx", "-e", dir.resolve("error.log").toString(), "-p", dir.toString(),
                        "-c", conf.toString(), "-g", "daemon off;");
            }
            case DIRECT -> throw new AssertionError("handled above");
        };
        return new RunningSubject(kind, listen, clientTls, ProxyProcess.start(kind.label(), command, log, listen, START_TIMEOUT));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
