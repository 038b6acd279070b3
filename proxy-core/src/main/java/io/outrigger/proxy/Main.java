package io.outrigger.proxy;

import io.outrigger.proxy.cluster.LbFactories;
import io.outrigger.proxy.inject.InjectCommand;
import io.outrigger.proxy.inject.WaitCommand;
import io.outrigger.proxy.listener.ListenerBindException;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.server.ServerOptions;
import io.outrigger.proxy.transport.Transport;
import io.outrigger.proxy.xds.XdsConnection;
import io.outrigger.tls.context.TlsOptions;
import io.outrigger.xds.config.BootstrapLoader;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.config.LoadedBootstrap;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code outrigger} command: runs the proxy from an Envoy v3 bootstrap ({@code -c FILE}), or
 * checks one ({@code outrigger validate -c FILE}, like {@code envoy --mode validate}).
 *
 * <p>Exit codes: 0 after a clean run (SIGTERM and {@code POST /quitquitquit} drain, then exit 0),
 * 1 when the configuration is rejected or a listener cannot bind (one line per problem on stderr,
 * naming the file, resource and field; nothing is left listening), 2 for command-line errors.
 */
@Command(name = "outrigger", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A sidecar proxy driven by the Envoy v3 API.",
        subcommands = {Main.Validate.class, CaCommands.class, InjectCommand.class, WaitCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config-path"}, paramLabel = "FILE", description = "Envoy v3 bootstrap (YAML or JSON).")
    private Path configPath;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "Worker event loops (default: the number of cores).")
    private Integer concurrency;

    @Option(names = {"-l", "--log-level"}, paramLabel = "LEVEL", defaultValue = "info",
            description = "trace, debug, info, warning, error, critical or off (default: ${DEFAULT-VALUE}).")
    private String logLevel;

    @Option(names = "--drain-time-s", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long open connections may finish on shutdown (default: ${DEFAULT-VALUE}).")
    private int drainTimeSeconds;

    @Option(names = "--cert-expiry-margin-s", paramLabel = "SECONDS", defaultValue = "60",
            description = "Connections whose TLS certificate (ours or the peer's) expires within this margin are "
                    + "finished gracefully before it does (default: ${DEFAULT-VALUE}; at least 10).")
    private int certExpiryMarginSeconds;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (for tests and {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    /** Runs the command with its output and error text going to the given writers. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new Main()).setOut(out).setErr(err).execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (configPath == null) {
            err.println("outrigger: missing -c FILE (an Envoy v3 bootstrap); see --help");
            return 1;
        }
        if (drainTimeSeconds < 0) {
            err.println("outrigger: --drain-time-s: " + drainTimeSeconds + " (expected: >= 0)");
            return 1;
        }
        if (certExpiryMarginSeconds < 10) {
            err.println("outrigger: --cert-expiry-margin-s: " + certExpiryMarginSeconds
                    + " (expected: >= 10, longer than the 5 s a connection may take to finish)");
            return 1;
        }
        if (concurrency != null && concurrency < 1) {
            err.println("outrigger: --concurrency: " + concurrency + " (expected: >= 1)");
            return 1;
        }
        String level = slf4jLevel(logLevel);
        if (level == null) {
            err.println("outrigger: --log-level: " + logLevel
                    + " (expected: trace, debug, info, warning, error, critical or off)");
            return 1;
        }
        // Before the first logger exists: slf4j-simple reads its level once.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        if (Security.getProperty("networkaddress.cache.ttl") == null) {
            // DNS clusters re-resolve every 5 s; the JDK's default 30 s cache would hide changes.
            Security.setProperty("networkaddress.cache.ttl", "0");
        }

        LoadedBootstrap loaded;
        try {
            loaded = BootstrapLoader.load(configPath);
        } catch (ConfigException e) {
            printProblems(err, e);
            return 1;
        }
        for (ConfigProblem w : loaded.warnings()) {
            err.println("warning: " + w);
        }
        int loops = concurrency != null ? concurrency : Runtime.getRuntime().availableProcessors();
        Map<String, Object> cli = new LinkedHashMap<>();
        cli.put("config_path", configPath.toString());
        cli.put("concurrency", loops);
        cli.put("log_level", logLevel);
        cli.put("drain_time", drainTimeSeconds + "s");
        cli.put("cert_expiry_margin", certExpiryMarginSeconds + "s");
        cli.put("mode", "Serve");
        ServerOptions options = ServerOptions.defaults(LbFactories.envoyDefaults(ServerOptions.THREAD_LOCAL_RANDOM,
                        Clock.systemUTC()))
                .withConcurrency(loops).withDrainTime(Duration.ofSeconds(drainTimeSeconds)).withCommandLine(cli);
        ProxyServer server = new ProxyServer(options, Transport.detect());
        server.tlsOptions(TlsOptions.defaults().withExpiryWarning(Duration.ofSeconds(certExpiryMarginSeconds)));
        Optional<XdsConnection> xds = Optional.empty();
        try {
            // dynamic_resources: the static resources serve at once, /ready waits for the first
            // complete xDS configuration, and each later snapshot is applied as it comes.
            xds = XdsConnection.create(loaded, server);
            server.start(loaded.snapshot(), xds.map(x -> x.configDump(loaded)).orElse(loaded::configDumpJson),
                    xds.map(XdsConnection::ready).orElse(null));
        } catch (ConfigException e) {
            xds.ifPresent(XdsConnection::close);
            printProblems(err, e);
            return 1;
        } catch (ListenerBindException e) {
            xds.ifPresent(XdsConnection::close);
            err.println(configPath + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        xds.ifPresent(XdsConnection::start);
        ShutdownSignals.onTerminate(server::drainAndStop);
        server.terminated().join();
        xds.ifPresent(XdsConnection::close);
        return 0;
    }

    private static void printProblems(PrintWriter err, ConfigException e) {
        for (ConfigProblem p : e.problems()) {
            err.println(p);
        }
        err.flush();
    }

    /** Envoy's log levels as slf4j-simple's, or {@code null} if unknown. */
    static String slf4jLevel(String envoyLevel) {
        return switch (envoyLevel.toLowerCase(Locale.ROOT)) {
            case "trace" -> "trace";
            case "debug" -> "debug";
            case "info" -> "info";
            case "warning", "warn" -> "warn";
            case "error", "critical" -> "error";
            case "off" -> "off";
            default -> null;
        };
    }

    /** {@code outrigger validate -c FILE}: load and check the bootstrap, bind nothing. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a bootstrap and list what it would build; exit 0 if valid, 1 if not.")
    static final class Validate implements Callable<Integer> {
        @Spec
        private CommandLine.Model.CommandSpec spec;

        @Option(names = {"-c", "--config-path"}, paramLabel = "FILE", required = true,
                description = "Envoy v3 bootstrap (YAML or JSON).")
        private Path configPath;

        @Override
        public Integer call() {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            try {
                LoadedBootstrap loaded = BootstrapLoader.load(configPath);
                // What xds-client accepts, the data path may not serve yet: check both, as a run would.
                ProxyServer.check(loaded.snapshot(), ServerOptions.defaults(
                        LbFactories.envoyDefaults(ServerOptions.THREAD_LOCAL_RANDOM, Clock.systemUTC())),
                        Transport.detect());
                PrintWriter out = spec.commandLine().getOut();
                out.print(loaded.describe());
                for (ConfigProblem w : loaded.warnings()) {
                    out.println("warning: " + w);
                }
                out.println("configuration '" + configPath + "' OK");
                out.flush();
                return 0;
            } catch (ConfigException e) {
                printProblems(spec.commandLine().getErr(), e);
                return 1;
            }
        }
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"outrigger " + ProxyServer.version() + " (Envoy v3 API)",
                    "Java " + Runtime.version() + ", " + System.getProperty("java.vm.name")};
        }
    }
}
