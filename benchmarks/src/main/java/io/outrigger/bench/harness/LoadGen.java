package io.outrigger.bench.harness;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The load generator's command line: {@code loadgen -p http1 -c 16 -r 1000 -d 30s 127.0.0.1:10000}.
 * Prints a progress line every second on stderr and the summary on stdout.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        description = {"HTTP/1.1, h2c and raw TCP load generator.",
                "Open loop (--rate > 0): requests are due at a fixed rate and latency counts from when each was due,"
                        + " so a stalled server shows in every request that waited (coordinated omission corrected,"
                        + " like wrk2 and fortio).",
                "Closed loop (--rate 0): each connection sends the next request as soon as the previous one completes."})
public final class LoadGen implements Callable<Integer> {

    @Parameters(index = "0", description = "target host:port")
    String target;

    @Option(names = {"-p", "--protocol"}, defaultValue = "http1", description = "http1, h2c, tcp-rr or tcp-bulk")
    String protocol;

    @Option(names = {"-c", "--connections"}, defaultValue = "16", description = "connections, each paced on its own")
    int connections;

    @Option(names = {"-r", "--rate"}, defaultValue = "0",
            description = "total requests per second; 0 runs a closed loop at maximum throughput")
    double rate;

    @Option(names = {"-s", "--payload"},
            description = "request body bytes (HTTP, default 0: GET), echoed message or write chunk (TCP, default 1024)")
    Integer payload;

    @Option(names = "--streams", description = "h2c: concurrent streams per connection (default 10)")
    Integer streams;

    @Option(names = {"-d", "--duration"}, defaultValue = "10s", converter = Durations.class,
            description = "measured period, e.g. 30s")
    Duration duration;

    @Option(names = {"-w", "--warmup"}, defaultValue = "2s", converter = Durations.class,
            description = "discarded period before the measured one")
    Duration warmup;

    @Option(names = "--path", defaultValue = "/", description = "HTTP path, e.g. /?size=1024 for 1 KiB responses")
    String path;

    @Option(names = "--threads", defaultValue = "0", description = "event loops, 0: min(connections, cores)")
    int threads;

    @Option(names = "--tls-dir", description = "mutual TLS with cert-chain.pem, key.pem, root-cert.pem from this directory")
    java.nio.file.Path tlsDir;

    @Option(names = "--hgrm", description = "also write the corrected latency distribution (HdrHistogram .hgrm, ms)")
    String hgrm;

    @Override
    public Integer call() throws IOException, InterruptedException {
        LoadSpec spec = spec();
        LoadResult r = new LoadRunner(System::nanoTime, threads).run(spec, p -> System.err.println(p.toLine()));
        System.out.print(r.toText());
        if (hgrm != null) {
            try (PrintStream out = new PrintStream(new FileOutputStream(hgrm), false, "UTF-8")) {
                r.corrected().outputPercentileDistribution(out, 1_000_000.0);
            }
        }
        return 0;
    }

    LoadSpec spec() {
        Protocol proto = Protocol.fromLabel(protocol);
        boolean tcp = proto == Protocol.TCP_RR || proto == Protocol.TCP_BULK;
        int bytes = payload != null ? payload : tcp ? 1024 : 0;
        int s = streams != null ? streams : proto == Protocol.H2C ? 10 : 1;
        InetSocketAddress addr = parseTarget(target);
        return new LoadSpec(proto, addr, connections, rate, bytes, s, duration, warmup, path,
                addr.getHostString() + ":" + addr.getPort(), tlsDir == null ? null : TlsFiles.istio(tlsDir));
    }

    static InetSocketAddress parseTarget(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("target: " + hostPort + " (expected: host:port)");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target: " + hostPort + " (expected: host:port with a numeric port)", e);
        }
        return new InetSocketAddress(host, port);
    }

    public static void main(String[] args) {
        System.exit(commandLine(new LoadGen(), "loadgen").execute(args));
    }

    /**
     * A command line that reports a bad argument or an unreachable target in one line, not as a
     * stack trace, and exits with 2.
     */
    static CommandLine commandLine(Object command, String name) {
        return new CommandLine(command).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IOException) {
                cmd.getErr().println(name + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
    }
}
