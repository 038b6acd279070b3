package io.outrigger.xds.ads;

import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the published {@link ConfigSnapshot} from the static resources and the accepted dynamic
 * ones, and decides warming: a cluster or listener is used only once everything it depends on
 * (EDS, RDS, SDS) arrived or is known not to come. While a new version warms, the previous one
 * stays active, as in Envoy. Confined to the xDS thread.
 */
final class SnapshotAssembler {
    /**
     * A dynamic resource in use.
     *
     * @param inputs the dependency values it was bound with, compared by identity to skip rebinding
     */
    record Active(ResourceEntry entry, List<Object> inputs, Object spec) {
    }

    private final ConfigSnapshot statics;
    private final Map<String, Active> activeClusters = new TreeMap<>();
    private final Map<String, Active> activeListeners = new TreeMap<>();
    private final Set<String> warmingClusters = new TreeSet<>();
    private final Set<String> warmingListeners = new TreeSet<>();

    SnapshotAssembler(ConfigSnapshot statics) {
        this.statics = Objects.requireNonNull(statics, "statics");
    }

    /**
     * Recomputes what is active and warming.
     *
     * @return the snapshot with the given version and source
     */
    ConfigSnapshot assemble(ResourceStore store, String version, String source) {
        update(store, XdsResourceType.CLUSTER, activeClusters, warmingClusters);
        update(store, XdsResourceType.LISTENER, activeListeners, warmingListeners);
        List<ClusterSpec> clusters = new ArrayList<>(statics.clusters().size() + activeClusters.size());
        clusters.addAll(statics.clusters());
        for (Active a : activeClusters.values()) {
            clusters.add((ClusterSpec) a.spec());
        }
        List<ListenerSpec> listeners = new ArrayList<>(statics.listeners().size() + activeListeners.size());
        listeners.addAll(statics.listeners());
        for (Active a : activeListeners.values()) {
            listeners.add((ListenerSpec) a.spec());
        }
        return new ConfigSnapshot(statics.node(), statics.admin(), listeners, clusters, version, source);
    }

    private static void update(ResourceStore store, XdsResourceType type, Map<String, Active> active,
                               Set<String> warming) {
        TypeState st = store.state(type);
        active.keySet().retainAll(st.resources.keySet());
        warming.clear();
        for (ResourceEntry e : st.resources.values()) {
            List<Object> inputs = inputs(store, e);
            if (inputs == null) {
                warming.add(e.name());
                continue;
            }
            Active prev = active.get(e.name());
            if (prev != null && prev.entry() == e && sameIdentities(prev.inputs(), inputs)) {
                continue;
            }
            active.put(e.name(), new Active(e, inputs, bind(e, inputs)));
        }
    }

    /** The values of the entry's dependencies ({@code null} for an absent one), or {@code null} while one is awaited. */
    private static List<Object> inputs(ResourceStore store, ResourceEntry e) {
        if (e.dependencies().isEmpty()) {
            return List.of();
        }
        List<Object> inputs = new ArrayList<>(e.dependencies().size());
        for (Dependency d : e.dependencies()) {
            TypeState st = store.state(d.type());
            ResourceEntry dep = st.resources.get(d.name());
            if (dep == null && !st.absent.contains(d.name())) {
                return null;
            }
            inputs.add(dep == null ? null : dep.value());
        }
        return Collections.unmodifiableList(inputs);
    }

    private static boolean sameIdentities(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** Puts the dependencies' values into the record: today the endpoints of an EDS cluster. */
    private static Object bind(ResourceEntry e, List<Object> inputs) {
        if (e.value() instanceof ClusterSpec c) {
            for (int i = 0; i < inputs.size(); i++) {
                Dependency d = e.dependencies().get(i);
                if (d.type() == XdsResourceType.CLUSTER_LOAD_ASSIGNMENT) {
                    LoadAssignmentSpec la = inputs.get(i) instanceof LoadAssignmentSpec l
                            ? l : LoadAssignmentSpec.empty(d.name());
                    return new ClusterSpec(c.name(), c.type(), c.connectTimeout(), c.lbPolicy(), la, c.http());
                }
            }
        }
        return e.value();
    }

    /** True while a dynamic cluster or listener waits for a dependency. */
    boolean warming() {
        return !warmingClusters.isEmpty() || !warmingListeners.isEmpty();
    }

    Map<String, Active> activeClusters() {
        return activeClusters;
    }

    Map<String, Active> activeListeners() {
        return activeListeners;
    }

    Set<String> warmingClusters() {
        return warmingClusters;
    }

    Set<String> warmingListeners() {
        return warmingListeners;
    }
}
