package io.outrigger.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.outrigger.proxy.admin.AdminServer;
import io.outrigger.proxy.admin.AdminView;
import io.outrigger.proxy.cluster.ClusterManager;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.listener.ListenerBindException;
import io.outrigger.proxy.listener.ListenerBinder;
import io.outrigger.proxy.listener.ListenerRuntime;
import io.outrigger.proxy.listener.ListenerTable;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.proxy.tcp.SessionRegistry;
import io.outrigger.proxy.tcp.TcpProxyContext;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import io.outrigger.proxy.tls.TlsRuntime;
import io.outrigger.proxy.transport.OriginalDestination;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Outrigger server: worker event loops running the listeners' tcp_proxies, the clusters, the
 * admin server on its own thread, and a control thread for DNS and drain.
 *
 * <p>Startup validates the whole configuration first (nothing is bound if anything is wrong), then
 * binds the admin and every listener, and only then reports LIVE. Shutdown drains: it stops
 * accepting, lets open connections finish for up to the drain time, then closes the rest.
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
    private volatile ConfigSnapshot snapshot;
    private Instant startedAt;
    private MultiThreadIoEventLoopGroup workers;
    private MultiThreadIoEventLoopGroup adminGroup;
    private ScheduledExecutorService control;
    private AdminServer admin;
    private ListenerBinder binder;
    private CompletableFuture<Void> draining;
    private volatile TlsOptions tlsOptions = TlsOptions.defaults();
    private volatile TlsRuntime tls;

    public ProxyServer(ServerOptions options, Transport transport) {
        this.options = Objects.requireNonNull(options, "options");
        this.transport = Objects.requireNonNull(transport, "transport");
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
    public void start(ConfigSnapshot snapshot, Supplier<String> configDumpJson)
            throws ConfigException, ListenerBindException {
        start(snapshot, configDumpJson, null);
    }

    /**
     * Like {@link #start(ConfigSnapshot, Supplier)}, but stays INITIALIZING (so {@code /ready}
     * answers 503) until {@code warming} completes: the first complete xDS configuration, which
     * arrives through {@link #apply}, as Envoy waits for its initial fetch before going LIVE.
     *
     * @param warming {@code null} to go LIVE once the static listeners are bound
     */
    public synchronized void start(ConfigSnapshot snapshot, Supplier<String> configDumpJson,
                                   CompletableFuture<?> warming) throws ConfigException, ListenerBindException {
        Objects.requireNonNull(snapshot, "snapshot");
        if (state != State.PRE_INITIALIZING) {
            throw new IllegalStateException("state: " + state + " (expected: PRE_INITIALIZING)");
        }
        state = State.INITIALIZING;
        startedAt = options.clock().instant();
        this.snapshot = snapshot;
        this.configDump = Objects.requireNonNull(configDumpJson, "configDumpJson");
        Built built = build(snapshot, stats, options, OriginalDestination.supported(transport), tlsOptions);
        ClusterManager cm = built.clusters();
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
            TcpProxyInstaller installer = new TcpProxyInstaller(new TcpProxyContext(transport.socketChannelClass(),
                    options.random(), options.nanoClock(), sessions));
            ListenerBinder binder = new ListenerBinder(workers, transport.serverChannelClass(), options.allocator(),
                    installer);
            this.binder = binder;
            binder.publish(new ListenerTable(listeners));
            for (ListenerRuntime l : listeners) {
                if (l.spec().bindToPort()) {
                    listenerChannels.put(l.name(), binder.bind(l));
                }
            }
            ok = true;
            if (warming == null) {
                goLive();
            } else {
                LOG.info("static listeners bound; waiting for the first xDS configuration before going LIVE");
                warming.whenComplete((v, e) -> goLive());
            }
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

    /** The TLS of the running configuration (secrets, contexts), or {@code null} before start. */
    public TlsRuntime tls() {
        return tls;
    }

    private synchronized void goLive() {
        if (state != State.INITIALIZING) {
            return;
        }
        state = State.LIVE;
        LOG.info("outrigger is LIVE: {} listener(s), {} cluster(s), transport {}, concurrency {}, admin {}",
                listenerChannels.size(), clusters.all().size(), transport.name(), options.concurrency(),
                admin.address());
    }

    private record Built(ClusterManager clusters, List<ListenerRuntime> listeners, TlsRuntime tls) {
    }

    private static Built build(ConfigSnapshot snapshot, Stats stats, ServerOptions options, boolean originalDst,
                               TlsOptions tlsOptions) throws ConfigException {
        ClusterManager cm;
        try {
            cm = ClusterManager.build(snapshot.clusters(), stats, options.lbFactory(), options.resolver());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(new ConfigProblem(snapshot.source(), "Cluster", "", "", e.getMessage())));
        }
        List<ConfigProblem> problems = new ArrayList<>();
        TlsRuntime tls = new TlsRuntime(snapshot, stats, tlsOptions);
        RuntimeBuilder.clusterTls(snapshot, cm, tls, problems);
        List<ListenerRuntime> listeners = RuntimeBuilder.listeners(snapshot, cm, stats, originalDst, tls, problems);
        if (!problems.isEmpty()) {
            tls.close();
            cm.close();
            throw new ConfigException(problems);
        }
        return new Built(cm, listeners, tls);
    }

    /**
     * Checks that the data path can serve {@code snapshot}, as {@link #start} would, without
     * binding, resolving or starting anything ({@code outrigger validate}).
     *
     * @throws ConfigException one problem per feature the data path cannot serve
     */
    public static void check(ConfigSnapshot snapshot, ServerOptions options, Transport transport)
            throws ConfigException {
        Built built = build(snapshot, new Stats(), options, OriginalDestination.supported(transport), TlsOptions.defaults());
        built.clusters().close();
        built.tls().close();
    }

    /**
     * Moves the running server to a new configuration, as an xDS update does (the ADS client's
     * listener): clusters are updated in place or replaced, every listener's filter chains are
     * rebuilt and published for new connections, new listeners are bound, removed ones stop
     * accepting, a listener whose address changed is rebound. Open connections keep the listener,
     * route and cluster they started with. A listener this data path cannot serve, or cannot bind,
     * is logged and left out; the rest of the update applies (xds-client has already validated and
     * NACKed what it could). Runs on the caller's thread (the xDS thread), never an event loop.
     */
    public synchronized void apply(ConfigSnapshot next) {
        Objects.requireNonNull(next, "next");
        if (binder == null || state == State.DRAINING || next.equals(snapshot)) {
            return;
        }
        ClusterManager cm = clusters;
        cm.update(next.clusters().stream().filter(c -> supported(c, next)).toList());
        List<ConfigProblem> problems = new ArrayList<>();
        // Secrets unchanged: the same TLS runtime (its contexts are reused per listener/cluster and spec).
        TlsRuntime previousTls = tls;
        TlsRuntime nextTls = previousTls != null && next.secrets().equals(snapshot.secrets()) ? previousTls
                : new TlsRuntime(next, stats, tlsOptions);
        RuntimeBuilder.clusterTls(next, cm, nextTls, problems);
        List<ListenerRuntime> listeners = RuntimeBuilder.listeners(next, cm, stats,
                OriginalDestination.supported(transport), nextTls, problems);
        for (ConfigProblem p : problems) {
            LOG.error("update {} rejected by the data path: {}", next.versionInfo(), p);
        }
        binder.publish(new ListenerTable(listeners));
        Map<String, ListenerRuntime> wanted = new LinkedHashMap<>();
        for (ListenerRuntime l : listeners) {
            if (l.spec().bindToPort()) {
                wanted.put(l.name(), l);
            }
        }
        for (String name : List.copyOf(listenerChannels.keySet())) {
            ListenerRuntime l = wanted.get(name);
            Channel ch = listenerChannels.get(name);
            if (l == null || !sameAddress(ch, l)) {
                LOG.info("listener {}: {}", name, l == null ? "removed, no longer accepting" : "address changed, rebinding");
                ch.close().awaitUninterruptibly();
                listenerChannels.remove(name);
            }
        }
        for (ListenerRuntime l : wanted.values()) {
            if (!listenerChannels.containsKey(l.name())) {
                try {
                    listenerChannels.put(l.name(), binder.bind(l));
                } catch (ListenerBindException e) {
                    LOG.error("update {}: {}", next.versionInfo(), e.getMessage());
                }
            }
        }
        snapshot = next;
        if (nextTls != previousTls) {
            tls = nextTls;
            if (previousTls != null) {
                // Open connections keep the engines they were made with; only the watchers stop.
                previousTls.close();
            }
        }
        LOG.info("applied configuration version {}: {} listener(s), {} cluster(s)", next.versionInfo(),
                listenerChannels.size(), cm.all().size());
    }

    private static boolean supported(io.outrigger.xds.snapshot.ClusterSpec c, ConfigSnapshot next) {
        if (c.lbPolicy() == io.outrigger.xds.snapshot.ClusterSpec.LbPolicyName.CLUSTER_PROVIDED
                && c.type() != io.outrigger.xds.snapshot.ClusterSpec.DiscoveryType.ORIGINAL_DST) {
            LOG.error("update {}: cluster {}: lb_policy CLUSTER_PROVIDED is only served for ORIGINAL_DST clusters; "
                    + "cluster left out", next.versionInfo(), c.name());
            return false;
        }
        return true;
    }

    private static boolean sameAddress(Channel ch, ListenerRuntime l) {
        InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
        InetSocketAddress wanted = new InetSocketAddress(java.net.InetAddress.ofLiteral(l.spec().address().address()),
                l.spec().address().port());
        return bound.getAddress().equals(wanted.getAddress())
                && (wanted.getPort() == 0 || bound.getPort() == wanted.getPort());
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
