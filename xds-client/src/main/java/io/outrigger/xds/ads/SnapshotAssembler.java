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
    /** Static EDS clusters bound to their endpoints, with the inputs used (compared by identity). */
    private final Map<String, Active> boundStatics = new TreeMap<>();
    private final Set<String> warmingStatics = new TreeSet<>();

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
        staticClusters(store, clusters);
        for (Active a : activeClusters.values()) {
            clusters.add((ClusterSpec) a.spec());
        }
        List<ListenerSpec> listeners = new ArrayList<>(statics.listeners().size() + activeListeners.size());
        listeners.addAll(statics.listeners());
        for (Active a : activeListeners.values()) {
            listeners.add((ListenerSpec) a.spec());
        }
        return new ConfigSnapshot(statics.node(), statics.admin(), listeners, clusters, version, source,
                secrets(store));
    }

    /**
     * The bootstrap's static secrets, then the SDS secrets received over ADS (by name), for the listeners and
     * clusters that name them; a static secret keeps its name over an SDS one.
     */
    private List<io.outrigger.xds.snapshot.SecretSpec> secrets(ResourceStore store) {
        if (!store.supports(XdsResourceType.SECRET)) {
            return statics.secrets();
        }
        List<io.outrigger.xds.snapshot.SecretSpec> out = new ArrayList<>(statics.secrets());
        Map<String, ResourceEntry> received = new TreeMap<>(store.state(XdsResourceType.SECRET).resources);
        for (ResourceEntry e : received.values()) {
            if (e.value() instanceof io.outrigger.xds.snapshot.SecretSpec s && statics.secret(s.name()) == null) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Static clusters in bootstrap order; a static EDS cluster fed over ADS gets its endpoints once
     * they arrive, and until then is published without endpoints and counted as warming.
     */
    private void staticClusters(ResourceStore store, List<ClusterSpec> out) {
        warmingStatics.clear();
        for (ClusterSpec c : statics.clusters()) {
            List<Dependency> deps = store.staticDependencies().get(c.name());
            if (deps == null) {
                out.add(c);
                continue;
            }
            List<Object> inputs = inputs(store, deps);
            if (inputs == null) {
                warmingStatics.add(c.name());
                out.add(c);
                continue;
            }
            Active prev = boundStatics.get(c.name());
            if (prev == null || !sameIdentities(prev.inputs(), inputs)) {
                prev = new Active(null, inputs, bind(c, deps, inputs));
                boundStatics.put(c.name(), prev);
            }
            out.add((ClusterSpec) prev.spec());
        }
    }

    private static void update(ResourceStore store, XdsResourceType type, Map<String, Active> active,
                               Set<String> warming) {
        TypeState st = store.state(type);
        active.keySet().retainAll(st.resources.keySet());
        warming.clear();
        for (ResourceEntry e : st.resources.values()) {
            List<Object> inputs = inputs(store, e.dependencies());
            if (inputs == null) {
                warming.add(e.name());
                continue;
            }
            Active prev = active.get(e.name());
            if (prev != null && prev.entry() == e && sameIdentities(prev.inputs(), inputs)) {
                continue;
            }
            active.put(e.name(), new Active(e, inputs, bind(e.value(), e.dependencies(), inputs)));
        }
    }

    /** The values of the entry's dependencies ({@code null} for an absent one), or {@code null} while one is awaited. */
    private static List<Object> inputs(ResourceStore store, List<Dependency> dependencies) {
        if (dependencies.isEmpty()) {
            return List.of();
        }
        List<Object> inputs = new ArrayList<>(dependencies.size());
        for (Dependency d : dependencies) {
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
    private static Object bind(Object value, List<Dependency> dependencies, List<Object> inputs) {
        if (value instanceof ClusterSpec c) {
            for (int i = 0; i < inputs.size(); i++) {
                Dependency d = dependencies.get(i);
                if (d.type() == XdsResourceType.CLUSTER_LOAD_ASSIGNMENT) {
                    LoadAssignmentSpec la = inputs.get(i) instanceof LoadAssignmentSpec l
                            ? l : LoadAssignmentSpec.empty(d.name());
                    return c.withLoadAssignment(la);
                }
            }
        }
        return value;
    }

    /** True while a dynamic cluster or listener waits for a dependency. */
    boolean warming() {
        return !warmingClusters.isEmpty() || !warmingListeners.isEmpty() || !warmingStatics.isEmpty();
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
