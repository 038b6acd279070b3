package io.outrigger.xds.ads;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Status;
import io.outrigger.xds.ads.AdsStats.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ADS state machine, on the xDS thread: opens the stream and subscribes, takes responses in
 * and answers each with an ACK or NACK, follows what accepted resources reference (subscribing and
 * unsubscribing EDS/RDS/SDS names), runs the initial fetch timers, and reconnects with backoff.
 */
final class AdsProtocol implements AdsStream.Events {
    private static final Logger log = LoggerFactory.getLogger(AdsProtocol.class);
    private static final String RESOURCE_WRAPPER_TYPE = "type.googleapis.com/"
            + Resource.getDescriptor().getFullName();
    /** Subscription order on a new stream: clusters before endpoints, listeners before routes (Envoy's order). */
    private static final List<XdsResourceType> ORDER = List.of(XdsResourceType.CLUSTER,
            XdsResourceType.CLUSTER_LOAD_ASSIGNMENT, XdsResourceType.LISTENER, XdsResourceType.ROUTE_CONFIGURATION,
            XdsResourceType.SECRET);

    /** The last rejected response of a type, to pace NACKs of a server that resends it in a loop. */
    private record Rejected(String version, int resourcesHash) {
    }

    private final AdsClient client;
    private final ResourceStore store;
    private final Backoff reconnectBackoff;
    private final Backoff nackPacing;
    private final Map<XdsResourceType, Rejected> lastRejected = new EnumMap<>(XdsResourceType.class);
    private AdsStream stream;
    private boolean streamHealthy;
    private String lastVersion = "static";

    AdsProtocol(AdsClient client, Backoff reconnectBackoff, Backoff nackPacing) {
        this.client = Objects.requireNonNull(client, "client");
        this.store = client.store();
        this.reconnectBackoff = reconnectBackoff;
        this.nackPacing = nackPacing;
    }

    void start() {
        AdsConfig cfg = client.config();
        if (cfg.subscribeClusters()) {
            initialFetchTimer(XdsResourceType.CLUSTER, cfg.clustersInitialFetchTimeout());
        }
        if (cfg.subscribeListeners()) {
            initialFetchTimer(XdsResourceType.LISTENER, cfg.listenersInitialFetchTimeout());
        }
        syncSubscriptions(); // static EDS clusters fed over ADS subscribe from the start
        connect();
        client.publish(lastVersion);
    }

    void stop() {
        if (stream != null) {
            AdsStream s = stream;
            stream = null;
            s.cancel();
        }
        client.statsInternal().connected(false);
    }

    private void initialFetchTimer(XdsResourceType type, Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            return;
        }
        client.schedule(() -> {
            TypeState st = store.state(type);
            if (!st.initialFetchDone) {
                st.initialFetchDone = true;
                client.statsInternal().increment(type, Counter.INIT_FETCH_TIMEOUT);
                log.warn("{}: no {} response within initial_fetch_timeout {}", client.config().serverCluster(),
                        type.shortName(), timeout);
                client.publish(lastVersion);
            }
        }, timeout);
    }

    private void connect() {
        if (client.closed()) {
            return;
        }
        for (XdsResourceType t : XdsResourceType.values()) {
            store.state(t).resetStream();
        }
        streamHealthy = false;
        lastRejected.clear();
        stream = client.openStream(this);
        AdsConfig cfg = client.config();
        for (XdsResourceType t : ORDER) {
            TypeState st = store.state(t);
            boolean wanted = switch (t) {
                case CLUSTER -> cfg.subscribeClusters();
                case LISTENER -> cfg.subscribeListeners();
                default -> !st.subscribed.isEmpty();
            };
            if (wanted) {
                stream.subscribe(st);
            }
        }
    }

    @Override
    public void onSotwResponse(AdsStream from, DiscoveryResponse response) {
        if (from != stream) {
            return;
        }
        long start = System.nanoTime(); // measurement only (update_duration), never a decision
        XdsResourceType type = established(response.getTypeUrl());
        if (type == null) {
            return;
        }
        TypeState st = store.state(type);
        st.nonce = response.getNonce();
        List<ResourceStore.Incoming> incoming = new ArrayList<>(response.getResourcesCount());
        for (Any any : response.getResourcesList()) {
            incoming.add(unwrap(any));
        }
        ResourceStore.Outcome outcome = store.apply(type, true, response.getVersionInfo(), incoming, List.of());
        answer(type, st, response.getNonce(), outcome, response.getVersionInfo(), response.getResourcesList());
        afterUpdate(type, outcome, response.getVersionInfo());
        client.statsInternal().updateDuration(type, System.nanoTime() - start);
    }

    @Override
    public void onDeltaResponse(AdsStream from, DeltaDiscoveryResponse response) {
        if (from != stream) {
            return;
        }
        long start = System.nanoTime(); // measurement only (update_duration), never a decision
        XdsResourceType type = established(response.getTypeUrl());
        if (type == null) {
            return;
        }
        TypeState st = store.state(type);
        st.nonce = response.getNonce();
        List<ResourceStore.Incoming> incoming = new ArrayList<>(response.getResourcesCount());
        for (Resource r : response.getResourcesList()) {
            incoming.add(new ResourceStore.Incoming(r.getName(), r.getVersion(), r.getResource()));
        }
        String version = response.getSystemVersionInfo().isEmpty()
                ? "nonce:" + response.getNonce() : response.getSystemVersionInfo();
        ResourceStore.Outcome outcome = store.apply(type, false, version, incoming,
                response.getRemovedResourcesList());
        answer(type, st, response.getNonce(), outcome, version, response.getResourcesList());
        afterUpdate(type, outcome, version);
        client.statsInternal().updateDuration(type, System.nanoTime() - start);
    }

    /** Marks the stream healthy on its first response and resolves the type; {@code null} for a type we did not ask for. */
    private XdsResourceType established(String typeUrl) {
        if (!streamHealthy) {
            streamHealthy = true;
            reconnectBackoff.reset();
            client.statsInternal().connected(true);
        }
        XdsResourceType type = XdsResourceType.fromTypeUrl(typeUrl);
        if (type == null || !store.supports(type)) {
            log.warn("{}: ignoring a response of type {} that was not requested", client.config().serverCluster(),
                    typeUrl);
            return null;
        }
        client.statsInternal().increment(type, Counter.UPDATE_ATTEMPT);
        return type;
    }

    private void answer(XdsResourceType type, TypeState st, String nonce, ResourceStore.Outcome outcome,
                        String version, List<?> resources) {
        AdsStats stats = client.statsInternal();
        if (outcome.accepted()) {
            stats.increment(type, Counter.UPDATE_SUCCESS);
            lastRejected.remove(type);
            stream.acknowledge(st, nonce, null);
            return;
        }
        stats.increment(type, Counter.UPDATE_REJECTED);
        log.warn("{}: rejected {} {} resource(s): {}", client.config().serverCluster(), outcome.rejected(),
                type.shortName(), outcome.errorDetail());
        Rejected signature = new Rejected(version, resources.hashCode());
        if (!signature.equals(lastRejected.put(type, signature))) {
            nackPacing.reset();
            stream.acknowledge(st, nonce, outcome.errorDetail());
            return;
        }
        // The server answered our NACK with the very same response (java- and go-control-plane do, since
        // the NACK names an older version): pace the NACKs so that the loop does not burn both sides' CPU.
        AdsStream s = stream;
        client.schedule(() -> {
            if (s == stream && nonce.equals(st.nonce)) {
                s.acknowledge(st, nonce, outcome.errorDetail());
            }
        }, nackPacing.next());
    }

    /** Follows references, then republishes. */
    private void afterUpdate(XdsResourceType type, ResourceStore.Outcome outcome, String version) {
        if (outcome.changed()) {
            lastVersion = version;
        }
        syncSubscriptions();
        client.publish(lastVersion);
    }

    private void syncSubscriptions() {
        Map<XdsResourceType, Map<String, Dependency>> wanted = store.wanted();
        for (XdsResourceType t : ORDER) {
            Map<String, Dependency> want = wanted.get(t);
            if (want == null) {
                continue;
            }
            TypeState st = store.state(t);
            boolean changed = false;
            for (String name : List.copyOf(st.subscribed.keySet())) {
                if (!want.containsKey(name)) {
                    store.unsubscribe(t, name);
                    changed = true;
                }
            }
            for (Dependency d : want.values()) {
                if (!st.subscribed.containsKey(d.name())) {
                    st.subscribed.put(d.name(), d);
                    namedFetchTimer(st, d);
                    changed = true;
                }
            }
            if (changed && stream != null) {
                stream.subscribe(st);
            }
        }
    }

    private void namedFetchTimer(TypeState st, Dependency d) {
        Duration timeout = d.initialFetchTimeout();
        if (timeout.isZero() || timeout.isNegative()) {
            return;
        }
        var timer = client.schedule(() -> {
            st.fetchTimers.remove(d.name());
            // Stale timers (unsubscribed since, or subscribed again by another dependency) do nothing.
            if (st.subscribed.get(d.name()) == d && !st.resolved(d.name())) {
                st.absent.add(d.name());
                client.statsInternal().increment(st.type, Counter.INIT_FETCH_TIMEOUT);
                log.warn("{}: {} \"{}\" did not arrive within initial_fetch_timeout {}",
                        client.config().serverCluster(), st.type.protoName(), d.name(), timeout);
                client.publish(lastVersion);
            }
        }, timeout);
        if (timer != null) {
            st.fetchTimers.put(d.name(), timer);
        }
    }

    @Override
    public void onClosed(AdsStream from, Status status) {
        if (from != stream) {
            return;
        }
        stream = null;
        client.statsInternal().connected(false);
        if (client.closed()) {
            return;
        }
        Duration delay = reconnectBackoff.next();
        log.warn("{}: ADS stream closed ({}: {}); reconnecting in {} ms, keeping the last configuration",
                client.config().serverCluster(), status.getCode(), status.getDescription(), delay.toMillis());
        client.schedule(this::connect, delay);
    }

    /** State-of-the-world responses may wrap each resource in a {@code Resource} with its name and version. */
    private static ResourceStore.Incoming unwrap(Any any) {
        if (any.getTypeUrl().equals(RESOURCE_WRAPPER_TYPE)) {
            try {
                Resource r = any.unpack(Resource.class);
                return new ResourceStore.Incoming(r.getName(), r.getVersion(), r.getResource());
            } catch (InvalidProtocolBufferException e) {
                return new ResourceStore.Incoming("", "", any);
            }
        }
        return new ResourceStore.Incoming("", "", any);
    }
}
