package io.outrigger.proxy.admin;

import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.stats.Stats;
import java.util.Collection;
import java.util.Map;

/**
 * What the admin server shows and controls, implemented by the server. Every method is called on
 * the admin thread; implementations read published state and never block on an event loop.
 */
public interface AdminView {
    /** Envoy's server state name: PRE_INITIALIZING, INITIALIZING, LIVE or DRAINING. */
    String state();

    /** The {@code /server_info} document (JSON-serialisable values). */
    Map<String, Object> serverInfo();

    /** The {@code /config_dump} JSON. */
    String configDump();

    /** The clusters for {@code /clusters}, in declaration order. */
    Collection<ClusterRuntime> clusters();

    Stats stats();

    /** {@code POST /drain_listeners}: stop accepting new connections. */
    void drainListeners();

    /** {@code POST /quitquitquit}: drain and exit. */
    void quit();
}
