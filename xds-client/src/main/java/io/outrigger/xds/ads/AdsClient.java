package io.outrigger.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ADS client: one aggregated stream (state of the world or delta) to the control plane named
 * in the bootstrap, carrying LDS, CDS, EDS, RDS and SDS. It validates every resource, ACKs or NACKs
 * each response (applying the valid resources of a rejected one), warms clusters and listeners,
 * reconnects with backoff, and publishes the merged static and dynamic configuration as a
 * {@link ConfigSnapshot} to one listener.
 *
 * <p>All protocol work and every call to the listener happen on the client's own thread
 * ("outrigger-xds"), never on a Netty event loop; a snapshot equal to the last one published
 * (ignoring {@link ConfigSnapshot#versionInfo()}) is not published again. While the control plane is
 * unreachable the last snapshot stays in force.
 *
 * <pre>{@code
 * AdsClient ads = AdsClient.builder(adsConfig, staticSnapshot, decoders)
 *         .node(bootstrap.getNode())
 *         .listener(runtime::apply)
 *         .build();
 * ads.start();
 * ConfigSnapshot first = ads.ready().get(30, SECONDS);
 * }</pre>
 */
public final class AdsClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdsClient.class);
    private static final Duration NACK_PACING_BASE = Duration.ofMillis(100);
    private static final Duration NACK_PACING_MAX = Duration.ofSeconds(2);

    private final AdsConfig config;
    private final ConfigSnapshot statics;
    private final Node node;
    private final io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap bootstrap;
    private final Consumer<ConfigSnapshot> listener;
    private final String source;
    private final ScheduledThreadPoolExecutor xds;
    private final ManagedChannel channel;
    private final ResourceStore store;
    private final SnapshotAssembler assembler;
    private final AdsProtocol protocol;
    private final AdsStats stats = new AdsStats();
    private final CompletableFuture<ConfigSnapshot> ready = new CompletableFuture<>();
    private volatile ConfigSnapshot published;
    private volatile boolean closed;
    private volatile Thread xdsThread;

    private AdsClient(Builder b) {
        this.config = b.config;
        this.statics = b.statics;
        this.bootstrap = b.bootstrap;
        this.node = b.node != null ? withUserAgent(b.node)
                : b.bootstrap != null && b.bootstrap.hasNode() ? withUserAgent(b.bootstrap.getNode())
                : NodeProtos.toProto(b.statics.node());
        this.listener = b.listener;
        this.source = "xds:" + config.serverCluster() + "(" + config.serverTarget() + ")";
        this.xds = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "outrigger-xds");
            t.setDaemon(true);
            xdsThread = t;
            return t;
        });
        xds.setRemoveOnCancelPolicy(true);
        this.channel = Grpc.newChannelBuilder(config.serverTarget(), InsecureChannelCredentials.create())
                .maxInboundMessageSize(config.maxReceiveMessageBytes())
                .userAgent("outrigger")
                .build();
        this.store = new ResourceStore(b.decoders, statics, b.clock);
        if (b.bootstrap != null) {
            store.addStaticDependencies(b.bootstrap.getStaticResources().getClustersList());
        }
        this.assembler = new SnapshotAssembler(statics);
        this.protocol = new AdsProtocol(this, new Backoff(config.retryBackoffBase(), config.retryBackoffMax(), b.random),
                new Backoff(NACK_PACING_BASE, NACK_PACING_MAX, b.random));
    }

    /**
     * @param config from {@link AdsConfig#fromBootstrap}
     * @param statics the bootstrap's static resources, decoded; merged into every snapshot
     * @param decoders the per-type decoders and validators
     */
    public static Builder builder(AdsConfig config, ConfigSnapshot statics, XdsDecoders decoders) {
        return new Builder(config, statics, decoders);
    }

    /** Opens the stream. Returns at once; progress shows in {@link #ready()} and the listener. */
    public void start() {
        xds.execute(protocol::start);
    }

    /** True once the first complete configuration was applied: LDS and CDS fetched (or timed out), nothing warming. */
    public boolean isReady() {
        return ready.isDone();
    }

    /** Completes with the first complete configuration; never fails, may never complete if closed first. */
    public CompletableFuture<ConfigSnapshot> ready() {
        return ready.copy();
    }

    /** The last published snapshot, or {@code null} before the first. */
    public ConfigSnapshot current() {
        return published;
    }

    /** The counters. */
    public AdsStats stats() {
        return stats;
    }

    /**
     * The dynamic configuration in the shape of Envoy's {@code /config_dump}: a {@code configs} array
     * with a {@code ClustersConfigDump} (static_clusters, dynamic_active_clusters,
     * dynamic_warming_clusters), a {@code ListenersConfigDump} (dynamic_listeners with active, warming
     * and error states) and an {@code EndpointsConfigDump}, each dynamic entry with its
     * {@code version_info} and {@code last_updated}.
     */
    public String configDumpJson() {
        if (Thread.currentThread() == xdsThread) {
            return ConfigDumpRenderer.render(store, assembler, bootstrap);
        }
        try {
            return xds.submit(() -> ConfigDumpRenderer.render(store, assembler, bootstrap)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering the config dump", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot render the config dump", e);
        }
    }

    /** Closes the stream and the channel and stops the xDS thread; the last snapshot stays with its users. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (Thread.currentThread() == xdsThread) {
                protocol.stop(); // closed from the listener: waiting on our own thread would deadlock
            } else {
                xds.submit(protocol::stop).get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("ADS client did not stop cleanly", e);
        }
        xds.shutdownNow();
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- called by AdsProtocol on the xDS thread ----

    AdsConfig config() {
        return config;
    }

    ResourceStore store() {
        return store;
    }

    AdsStats statsInternal() {
        return stats;
    }

    boolean closed() {
        return closed;
    }

    /** Runs a task on the xDS thread after a delay; {@code null} once closed. */
    java.util.concurrent.Future<?> schedule(Runnable task, Duration delay) {
        if (closed) {
            return null;
        }
        try {
            return xds.schedule(task, Math.max(1, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // closed concurrently
        }
    }

    AdsStream openStream(AdsStream.Events events) {
        // Our backoff decides when to retry: without this, a channel in TRANSIENT_FAILURE fails new
        // calls at once until its own connect backoff (up to 2 minutes in gRPC) expires.
        channel.resetConnectBackoff();
        return config.delta()
                ? new DeltaStream(channel, this::onXdsThread, events, node, config.nodeOnFirstMessageOnly())
                : new SotwStream(channel, this::onXdsThread, events, node, config.nodeOnFirstMessageOnly());
    }

    /** Hands gRPC's callbacks to the xDS thread; after close they are dropped (the call is being cancelled). */
    private void onXdsThread(Runnable task) {
        if (closed) {
            return;
        }
        try {
            xds.execute(task);
        } catch (RejectedExecutionException e) {
            // closed concurrently
        }
    }

    /** Rebuilds the snapshot and publishes it if it differs from the last one; then checks readiness. */
    void publish(String version) {
        ConfigSnapshot last = published;
        ConfigSnapshot candidate = assembler.assemble(store, last == null ? version : last.versionInfo(), source);
        if (!candidate.equals(last)) {
            ConfigSnapshot snapshot = last == null || version.equals(last.versionInfo())
                    ? candidate
                    : new ConfigSnapshot(candidate.node(), candidate.admin(), candidate.listeners(),
                    candidate.clusters(), version, source, candidate.secrets());
            published = snapshot;
            try {
                listener.accept(snapshot);
            } catch (RuntimeException e) {
                log.error("snapshot listener failed on version {}", version, e);
            }
        }
        if (!ready.isDone() && initialFetchesDone() && !assembler.warming()) {
            ready.complete(published);
        }
    }

    private boolean initialFetchesDone() {
        return (!config.subscribeClusters() || store.state(XdsResourceType.CLUSTER).initialFetchDone)
                && (!config.subscribeListeners() || store.state(XdsResourceType.LISTENER).initialFetchDone);
    }

    private static Node withUserAgent(Node n) {
        return n.getUserAgentName().isEmpty() ? n.toBuilder().setUserAgentName("outrigger").build() : n;
    }

    /** Builds an {@link AdsClient}. */
    public static final class Builder {
        private final AdsConfig config;
        private final ConfigSnapshot statics;
        private final XdsDecoders decoders;
        private Node node;
        private io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap bootstrap;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = RandomGenerator.getDefault();
        private Consumer<ConfigSnapshot> listener = s -> { };

        private Builder(AdsConfig config, ConfigSnapshot statics, XdsDecoders decoders) {
            this.config = Objects.requireNonNull(config, "config");
            this.statics = Objects.requireNonNull(statics, "statics");
            this.decoders = Objects.requireNonNull(decoders, "decoders");
        }

        /** The node sent to the control plane, as in the bootstrap; by default built from the snapshot's NodeInfo. */
        public Builder node(Node node) {
            this.node = Objects.requireNonNull(node, "node");
            return this;
        }

        /**
         * The bootstrap the configuration came from: its {@code node} is sent as written, and its static
         * resources appear in the config dump.
         */
        public Builder bootstrap(io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap bootstrap) {
            this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
            return this;
        }

        /** The clock for {@code last_updated} times. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The randomness for reconnect jitter. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Receives every new snapshot, on the xDS thread; must not block for long. */
        public Builder listener(Consumer<ConfigSnapshot> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public AdsClient build() {
            return new AdsClient(this);
        }
    }
}
