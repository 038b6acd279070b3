package io.outrigger.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.outrigger.proxy.admin.AdminServer;
import io.outrigger.proxy.admin.AdminView;
import io.outrigger.proxy.cluster.ClusterManager;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.http.HttpContext;
import io.outrigger.proxy.listener.ListenerBindException;
import io.outrigger.proxy.listener.ListenerBinder;
import io.outrigger.proxy.listener.ListenerRuntime;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.proxy.tcp.SessionRegistry;
import io.outrigger.proxy.tcp.TcpProxyContext;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import io.outrigger.proxy.tls.TlsRuntime;
import io.outrigger.proxy.transport.Transport;
import io.outrigger.tls.context.TlsOptions;
import io.outrigger.tls.context.TlsProviders;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Outrigger server: worker event loops running the listeners' tcp_proxies and HTTP connection
 * managers, the clusters, the admin server on its own thread, and a control thread for DNS and drain.
 *
 * <p>Startup validates the whole configuration first (nothing is bound if anything is wrong), then
 * binds the admin and every listener, and only then reports LIVE (or, with xDS, once the first
 * complete configuration was applied). {@link #apply} then applies each new configuration by
 * reference swap, resource by resource. Shutdown drains: it stops accepting, lets open connections
 * finish for up to the drain time, then closes the rest.
 */
public final class ProxyServer implements AdminView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    /** Envoy's server states, as {@code /ready} and {@code /server_info} report them. */
    public enum State { PRE_INITIALIZING, INITIALIZING, LIVE, DRAINING }

    private final ServerOptions options;
    private final Transport transport;
    private final Stats stats = new Stats();
    private final SessionRegistry sessions = new SessionRegistry();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    // Concurrent: the admin thread reads it while start() (which holds this object's lock) fills it.
    private final Map<String, Channel> listenerChannels = new ConcurrentHashMap<>();
    private volatile State state = State.PRE_INITIALIZING;
    private volatile Supplier<String> configDump = () -> "{}\n";
    private volatile ClusterManager clusters;
    // Built by start(), followed by apply() (which holds this object's lock), closed by stopNow().
    private volatile HttpContext http;
    private final TcpProxyInstaller installer;
    private volatile ConfigSnapshot snapshot;
    private Instant startedAt;
    private MultiThreadIoEventLoopGroup workers;
    private MultiThreadIoEventLoopGroup adminGroup;
    private ScheduledExecutorService control;
    private AdminServer admin;
    private ConfigApplier applier;
    private CompletableFuture<Void> draining;
    private volatile TlsOptions tlsOptions = TlsOptions.defaults();
    private volatile TlsRuntime tls;

    public ProxyServer(ServerOptions options, Transport transport) {
        this.options = Objects.requireNonNull(options, "options");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.installer = new TcpProxyInstaller(new TcpProxyContext(transport.socketChannelClass(),
                options.random(), options.nanoClock(), sessions));
    }

    /**
     * Validates {@code snapshot}, builds the runtime, binds the admin and every listener, and
     * reports LIVE. On any failure everything already started is closed before the exception
     * propagates, so nothing stays listening.
     *
     * @param configDumpJson what {@code /config_dump} serves (computed when first asked for)
     * @throws ConfigException for configuration the data path cannot serve (one problem each)
     * @throws ListenerBindException when a listener or the admin cannot bind
     */
    public synchronized void start(ConfigSnapshot snapshot, Supplier<String> configDumpJson)
            throws ConfigException, ListenerBindException {
        start(snapshot, configDumpJson, null);
    }

    /**
     * As {@link #start(ConfigSnapshot, Supplier)}, but the server stays INITIALIZING ({@code /ready}
     * answers 503) until {@code initialized} completes, as Envoy waits for its first xDS
     * configuration: pass the ADS client's {@code ready()}. Updates are applied meanwhile with
     * {@link #apply}.
     *
     * @param initialized completes when the first complete configuration was applied; {@code null}
     *                    for LIVE at once
     */
    public synchronized void start(ConfigSnapshot snapshot, Supplier<String> configDumpJson,
                                   CompletionStage<?> initialized) throws ConfigException, ListenerBindException {
        Objects.requireNonNull(snapshot, "snapshot");
        if (state != State.PRE_INITIALIZING) {
            throw new IllegalStateException("state: " + state + " (expected: PRE_INITIALIZING)");
        }
        state = State.INITIALIZING;
        startedAt = options.clock().instant();
        this.snapshot = snapshot;
        this.configDump = Objects.requireNonNull(configDumpJson, "configDumpJson");
        Built built = build(snapshot, stats, options, transport, installer, tlsOptions);
        ClusterManager cm = built.clusters();
        http = built.http();
        List<ListenerRuntime> listeners = built.listeners();
        tls = built.tls();
        if (tls.inUse() && !TlsProviders.isNative()) {
            LOG.warn("TLS runs on the JDK provider: {}", TlsProviders.description());
        }
        clusters = cm;
        boolean ok = false;
        try {
            control = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "outrigger-control");
                t.setDaemon(true);
                return t;
            });
            workers = transport.newGroup(options.concurrency(), "worker");
            adminGroup = transport.newGroup(1, "admin");
            admin = AdminServer.bind(snapshot.admin().address(), adminGroup, transport.serverChannelClass(), this);
            cm.startDns(control, options.dnsRefreshRate());
            ListenerBinder binder = new ListenerBinder(workers, transport.serverChannelClass(), options.allocator());
            applier = new ConfigApplier(options, stats, transport.nativeSockets(), tlsOptions, binder, control,
                    listenerChannels, installer, http);
            applier.start(snapshot, cm, listeners, built.tls());
            if (initialized == null) {
                state = State.LIVE;
            } else {
                initialized.whenComplete((v, e) -> initializationDone());
            }
            ok = true;
            LOG.info("outrigger is {}: {} listener(s), {} cluster(s), transport {}, concurrency {}, admin {}",
                    state, listeners.size(), cm.all().size(), transport.name(), options.concurrency(), admin.address());
        } finally {
            if (!ok) {
                stopNow();
            }
        }
    }

    /**
     * Sets how TLS runs (provider, clock, how long before a certificate expires its connections are
     * finished); before {@link #start}. Metrics are bound per listener and cluster by the server.
     */
    public void tlsOptions(TlsOptions options) {
        this.tlsOptions = Objects.requireNonNull(options, "options");
    }

    /**
     * The TLS of the running configuration (secrets, contexts), or {@code null} before start. An
     * update that keeps the secrets keeps it; one that changes them replaces it.
     */
    public TlsRuntime tls() {
        return tls;
    }

    private record Built(ClusterManager clusters, HttpContext http, List<ListenerRuntime> listeners, TlsRuntime tls) {
    }

    /** What {@link #apply} did: whether anything changed, and the resources rejected (each kept its previous version). */
    public record UpdateResult(boolean changed, List<ConfigProblem> rejected) {
        public UpdateResult {
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * Applies a new configuration to the running server by reference swap (see {@link ConfigApplier}):
     * listeners added start accepting, removed ones stop and drain, changed ones swap their filter
     * chains (rebinding only when the address changed); clusters keep their balancer and per-host
     * state across updates. A resource that cannot be served is rejected alone and keeps its
     * previous version. An identical snapshot (only the version differs) changes nothing.
     *
     * <p>Call it from the configuration thread (the ADS client's listener), never an event loop.
     * Ignored while draining or after stop.
     *
     * @throws IllegalStateException before {@link #start}
     */
    public synchronized UpdateResult apply(ConfigSnapshot next) {
        Objects.requireNonNull(next, "next");
        if (applier == null) {
            if (state == State.PRE_INITIALIZING) {
                throw new IllegalStateException("state: " + state + " (expected: started)");
            }
            return new UpdateResult(false, List.of());
        }
        if (state == State.DRAINING || terminated.isDone()) {
            return new UpdateResult(false, List.of());
        }
        ConfigApplier.Result r = applier.apply(next);
        if (r.changed()) {
            clusters = applier.clusters();
            tls = applier.tls();
            snapshot = next;
        }
        return new UpdateResult(r.changed(), r.problems());
    }

    private synchronized void initializationDone() {
        if (state == State.INITIALIZING && !terminated.isDone()) {
            state = State.LIVE;
            LOG.info("outrigger is LIVE: first configuration applied");
        }
    }

    private static Built build(ConfigSnapshot snapshot, Stats stats, ServerOptions options, Transport transport,
                               TcpProxyInstaller installer, TlsOptions tlsOptions) throws ConfigException {
        ClusterManager cm;
        try {
            cm = ClusterManager.build(snapshot.clusters(), stats, options.lbFactory(), options.resolver());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(new ConfigProblem(snapshot.source(), "Cluster", "", "", e.getMessage())));
        }
        HttpContext http = new HttpContext(cm, stats, transport.socketChannelClass(), options.random(),
                options.nanoClock(), options.clock());
        List<ConfigProblem> problems = new ArrayList<>();
        TlsRuntime tls = new TlsRuntime(snapshot, stats, tlsOptions);
        RuntimeBuilder.clusterTls(snapshot, cm, tls, problems);
        List<ListenerRuntime> listeners = RuntimeBuilder.listeners(snapshot, cm, stats, transport.nativeSockets(), tls,
                problems, installer, http);
        if (!problems.isEmpty()) {
            http.close();
            tls.close();
            cm.close();
            throw new ConfigException(problems);
        }
        return new Built(cm, http, listeners, tls);
    }

    /**
     * Checks that the data path can serve {@code snapshot}, as {@link #start} would, without
     * binding, resolving or starting anything ({@code outrigger validate}).
     *
     * @throws ConfigException one problem per feature the data path cannot serve
     */
    public static void check(ConfigSnapshot snapshot, ServerOptions options, Transport transport)
            throws ConfigException {
        TcpProxyInstaller installer = new TcpProxyInstaller(new TcpProxyContext(transport.socketChannelClass(),
                options.random(), options.nanoClock(), new SessionRegistry()));
        Built built = build(snapshot, new Stats(), options, transport, installer, TlsOptions.defaults());
        built.http().close();
        built.clusters().close();
        built.tls().close();
    }

    /** The bound address of a listener (the real port when the config asked for 0), or {@code null}. */
    public synchronized InetSocketAddress listenerAddress(String name) {
        Channel ch = listenerChannels.get(name);
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    /** The admin server's bound address. */
    public synchronized InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public Transport transport() {
        return transport;
    }

    /** Completes when the server has stopped (after a drain or {@link #close}). */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Starts a graceful drain: state DRAINING, listeners closed, open connections given up to the
     * drain time to finish, then the rest closed and the server stopped. Idempotent.
     */
    public synchronized CompletableFuture<Void> drainAndStop() {
        if (draining != null) {
            return draining;
        }
        draining = new CompletableFuture<>();
        if (control == null) {
            stopNow();
            draining.complete(null);
            return draining;
        }
        state = State.DRAINING;
        stopAccepting();
        long deadline = options.nanoClock().getAsLong() + options.drainTime().toNanos();
        LOG.info("draining: {} open connection(s), up to {}", sessions.size(), options.drainTime());
        CompletableFuture<Void> result = draining;
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            if (sessions.size() > 0 && options.nanoClock().getAsLong() - deadline < 0) {
                control.schedule(poll[0], 20, TimeUnit.MILLISECONDS);
                return;
            }
            if (sessions.size() > 0) {
                LOG.info("drain time over: closing {} open connection(s)", sessions.size());
            }
            Thread.ofPlatform().daemon().name("outrigger-stop").start(() -> {
                stopNow();
                result.complete(null);
            });
        };
        control.execute(poll[0]);
        return draining;
    }

    private synchronized void stopAccepting() {
        for (Channel ch : listenerChannels.values()) {
            ch.close().awaitUninterruptibly();
        }
    }

    /** Closes every connection and stops every thread, now. */
    private synchronized void stopNow() {
        stopAccepting();
        sessions.closeAll();
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (admin != null) {
            admin.close();
        }
        if (adminGroup != null) {
            adminGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (clusters != null) {
            clusters.close();
        }
        if (http != null) {
            http.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (control != null) {
            control.shutdownNow();
        }
        terminated.complete(null);
    }

    /** Stops at once, without draining. */
    @Override
    public void close() {
        stopNow();
    }

    // ---- AdminView (admin thread) ----

    @Override
    public String state() {
        return state.name();
    }

    @Override
    public Map<String, Object> serverInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("version", version());
        info.put("state", state.name());
        Duration uptime = startedAt == null ? Duration.ZERO : Duration.between(startedAt, options.clock().instant());
        info.put("uptime_current_epoch", uptime.toSeconds() + "s");
        info.put("uptime_all_epochs", uptime.toSeconds() + "s");
        info.put("transport", transport.name());
        info.put("tls_provider", tlsOptions.provider() == io.netty.handler.ssl.SslProvider.OPENSSL
                ? TlsProviders.description() : "JDK " + Runtime.version()
                + (TlsProviders.isNative() ? " (chosen by configuration)" : " (fallback: " + TlsProviders.fallbackCause()
                .map(Throwable::toString).orElse("unknown") + ")"));
        info.put("concurrency", options.concurrency());
        Map<String, Object> cli = new LinkedHashMap<>(options.commandLine());
        cli.putIfAbsent("concurrency", options.concurrency());
        cli.putIfAbsent("drain_time", options.drainTime().toSeconds() + "s");
        info.put("command_line_options", cli);
        ConfigSnapshot s = snapshot;
        if (s != null) {
            info.put("node", Map.of("id", s.node().id(), "cluster", s.node().cluster()));
        }
        return info;
    }

    /** The implementation version from the jar manifest, or "dev" when run from classes. */
    public static String version() {
        String v = ProxyServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String configDump() {
        return configDump.get();
    }

    @Override
    public Collection<ClusterRuntime> clusters() {
        ClusterManager cm = clusters;
        return cm == null ? List.of() : cm.all();
    }

    @Override
    public Stats stats() {
        return stats;
    }

    @Override
    public void drainListeners() {
        // On the admin thread: start closing the listeners, do not wait for the workers.
        for (Channel ch : listenerChannels.values()) {
            ch.close();
        }
    }

    @Override
    public void quit() {
        drainAndStop();
    }
}
