package io.outrigger.xds.ads;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the client knows about one resource type. Confined to the xDS thread.
 */
final class TypeState {
    final XdsResourceType type;
    /** Accepted resources by name: the last good version of each. */
    final Map<String, ResourceEntry> resources = new HashMap<>();
    /** Resources whose last update was rejected, for the config dump. */
    final Map<String, Rejection> rejected = new HashMap<>();
    /** Named types: the names we want, with the dependency that asked first (for its timeout). */
    final Map<String, Dependency> subscribed = new TreeMap<>();
    /** Named types: initial fetch timers still pending, cancelled when the resource arrives or is dropped. */
    final Map<String, java.util.concurrent.Future<?>> fetchTimers = new HashMap<>();
    /** Named resources known not to come: their initial fetch timed out, or the server removed them. */
    final Set<String> absent = new HashSet<>();
    /** State of the world: the last accepted {@code version_info}, sent back in every request. */
    String versionInfo = "";
    /** Wildcard types: a first response was processed or the initial fetch timed out. */
    boolean initialFetchDone;

    // Per stream, reset on reconnect.
    String nonce = "";
    boolean requestedOnStream;
    /** Delta: the subscriptions the server knows from this stream. */
    final Set<String> sentSubscriptions = new HashSet<>();

    TypeState(XdsResourceType type) {
        this.type = type;
    }

    void resetStream() {
        nonce = "";
        requestedOnStream = false;
        sentSubscriptions.clear();
    }

    void cancelFetchTimer(String name) {
        java.util.concurrent.Future<?> f = fetchTimers.remove(name);
        if (f != null) {
            f.cancel(false);
        }
    }

    /** A named resource is resolved when it arrived, or is known not to come. */
    boolean resolved(String name) {
        return resources.containsKey(name) || absent.contains(name);
    }

    /** Delta {@code initial_resource_versions}: what we hold, so the server sends only what changed. */
    Map<String, String> heldVersions() {
        Map<String, String> m = new TreeMap<>();
        resources.forEach((name, e) -> m.put(name, e.version()));
        return m;
    }
}
