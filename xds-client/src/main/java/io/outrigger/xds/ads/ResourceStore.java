package io.outrigger.xds.ads;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The resources accepted from the control plane, per type, and the rules for taking a response in:
 * decode every resource, apply the valid ones, keep the last good version of the rejected ones,
 * and say whether to ACK or NACK (with every error joined). Protocol-agnostic: the state-of-the-world
 * and delta streams both feed it. Confined to the xDS thread.
 */
final class ResourceStore {
    /** Keeps a NACK's {@code error_detail} well under gRPC's message limits when thousands of resources fail. */
    static final int MAX_ERROR_DETAIL_CHARS = 16 * 1024;
    static final String SOURCE = "xds";

    /** One resource of a response; delta gives the name and version next to it, state of the world does not. */
    record Incoming(String name, String version, Any resource) {
        Incoming {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(resource, "resource");
        }
    }

    /**
     * What became of a response.
     *
     * @param errorDetail {@code null} to ACK, else the NACK message
     * @param changed the accepted state changed (an added, updated or removed resource)
     * @param rejected how many resources were rejected
     */
    record Outcome(String errorDetail, boolean changed, int rejected) {
        boolean accepted() {
            return errorDetail == null;
        }
    }

    private final Map<XdsResourceType, TypeState> states = new EnumMap<>(XdsResourceType.class);
    private final XdsDecoders decoders;
    private final Set<String> staticClusters = new HashSet<>();
    private final Set<String> staticListeners = new HashSet<>();
    /** Static EDS clusters whose endpoints come over ADS: cluster name to what it needs. */
    private final Map<String, List<Dependency>> staticDependencies = new TreeMap<>();
    private final Clock clock;

    ResourceStore(XdsDecoders decoders, ConfigSnapshot statics, Clock clock) {
        this.decoders = Objects.requireNonNull(decoders, "decoders");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (XdsResourceType t : XdsResourceType.values()) {
            states.put(t, new TypeState(t));
        }
        for (ClusterSpec c : statics.clusters()) {
            staticClusters.add(c.name());
        }
        for (ListenerSpec l : statics.listeners()) {
            staticListeners.add(l.name());
        }
    }

    TypeState state(XdsResourceType type) {
        return states.get(type);
    }

    boolean supports(XdsResourceType type) {
        return decoders.forType(type) != null;
    }

    /**
     * Takes a response in.
     *
     * @param stateOfTheWorld true for SotW: for LDS and CDS a resource missing from the response is removed
     * @param responseVersion {@code version_info} (SotW) or {@code system_version_info} (delta)
     * @param removed delta's {@code removed_resources}; empty for SotW
     */
    Outcome apply(XdsResourceType type, boolean stateOfTheWorld, String responseVersion, List<Incoming> resources,
                  List<String> removed) {
        TypeState st = states.get(type);
        ResourceDecoder<Message, ?> decoder = decoders.forType(type);
        Instant now = clock.instant();
        Map<String, ResourceEntry> valid = new LinkedHashMap<>();
        Set<String> invalid = new HashSet<>();
        List<String> errors = new ArrayList<>();
        boolean unnamedInvalid = false;
        for (Incoming in : resources) {
            String version = in.version().isEmpty() ? responseVersion : in.version();
            Any any = in.resource();
            if (!any.getTypeUrl().equals(type.typeUrl())) {
                errors.add(describe(type, in.name(), "a resource of type " + any.getTypeUrl() + " in a "
                        + type.protoName() + " response"));
                unnamedInvalid |= in.name().isEmpty();
                invalid.add(in.name());
                continue;
            }
            Message msg;
            try {
                msg = type.parse(any.getValue());
            } catch (InvalidProtocolBufferException e) {
                errors.add(describe(type, in.name(), "cannot be parsed: " + e.getMessage()));
                unnamedInvalid |= in.name().isEmpty();
                invalid.add(in.name());
                continue;
            }
            String name = type.nameOf(msg);
            if (name.isEmpty()) {
                errors.add(describe(type, "", (type == XdsResourceType.CLUSTER_LOAD_ASSIGNMENT ? "cluster_name" : "name")
                        + ": empty (expected: the resource's name)"));
                unnamedInvalid = true;
                continue;
            }
            if (!type.wildcard() && !st.subscribed.containsKey(name)) {
                continue; // not asked for (anymore): the server may still be answering an older subscription
            }
            if (valid.containsKey(name) || invalid.contains(name)) {
                errors.add(describe(type, name, "appears twice in one response"));
                valid.remove(name);
                invalid.add(name);
                continue;
            }
            ResourceEntry existing = st.resources.get(name);
            if (existing != null && existing.raw().equals(any)) {
                // Byte-identical to what is in force: nothing to decode, and last_updated stays (as Envoy's hash check).
                valid.put(name, existing);
                continue;
            }
            List<ConfigProblem> problems = new ArrayList<>();
            if ((type == XdsResourceType.CLUSTER && staticClusters.contains(name))
                    || (type == XdsResourceType.LISTENER && staticListeners.contains(name))) {
                problems.add(new ConfigProblem(SOURCE, type.protoName(), name, "name",
                        "already defined in static_resources (expected: a name not used by a static resource)"));
            }
            List<Dependency> deps = DependencyFinder.find(type, msg, SOURCE, problems);
            for (Dependency d : deps) {
                if (!supports(d.type())) {
                    problems.add(new ConfigProblem(SOURCE, type.protoName(), name, "",
                            d.type().protoName() + " \"" + d.name() + "\" over ADS (" + d.type().shortName()
                                    + ") is not supported yet"));
                }
            }
            Object value = null;
            try {
                value = decoder.decode(msg);
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            } catch (RuntimeException e) {
                // A decoder bug must cost one resource, not the stream.
                problems.add(new ConfigProblem(SOURCE, type.protoName(), name, "", "cannot be decoded: " + e));
            }
            if (!problems.isEmpty()) {
                String details = join(problems);
                errors.add(details);
                invalid.add(name);
                st.rejected.put(name, new Rejection(version, any, details, now));
                continue;
            }
            valid.put(name, new ResourceEntry(name, version, any, value, deps, now));
        }

        boolean changed = false;
        for (ResourceEntry e : valid.values()) {
            ResourceEntry prev = st.resources.put(e.name(), e);
            changed |= prev != e;
            st.rejected.remove(e.name());
            st.absent.remove(e.name());
            st.cancelFetchTimer(e.name());
        }
        // A46: without the name of a bad resource we cannot tell what the server meant to remove.
        if (stateOfTheWorld && type.wildcard() && !unnamedInvalid) {
            for (Iterator<String> it = st.resources.keySet().iterator(); it.hasNext(); ) {
                String name = it.next();
                if (!valid.containsKey(name) && !invalid.contains(name)) {
                    it.remove();
                    st.rejected.remove(name);
                    changed = true;
                }
            }
        }
        for (String name : removed) {
            changed |= st.resources.remove(name) != null;
            st.rejected.remove(name);
            if (!type.wildcard() && st.subscribed.containsKey(name)) {
                st.absent.add(name); // the server says it does not exist: dependents stop waiting for it
                changed = true;
            }
        }
        if (type.wildcard()) {
            changed |= !st.initialFetchDone;
            st.initialFetchDone = true;
        }
        if (errors.isEmpty()) {
            if (stateOfTheWorld) {
                st.versionInfo = responseVersion;
            }
            return new Outcome(null, changed, 0);
        }
        return new Outcome(truncate(String.join("\n", errors)), changed, invalid.size() + (unnamedInvalid ? 1 : 0));
    }

    /** The named resources that accepted listeners and clusters need, per type. */
    Map<XdsResourceType, Map<String, Dependency>> wanted() {
        Map<XdsResourceType, Map<String, Dependency>> wanted = new EnumMap<>(XdsResourceType.class);
        for (XdsResourceType t : XdsResourceType.values()) {
            if (!t.wildcard()) {
                wanted.put(t, new TreeMap<>());
            }
        }
        for (List<Dependency> deps : staticDependencies.values()) {
            for (Dependency d : deps) {
                wanted.get(d.type()).putIfAbsent(d.name(), d);
            }
        }
        for (XdsResourceType t : List.of(XdsResourceType.CLUSTER, XdsResourceType.LISTENER)) {
            for (ResourceEntry e : states.get(t).resources.values()) {
                for (Dependency d : e.dependencies()) {
                    wanted.get(d.type()).putIfAbsent(d.name(), d);
                }
            }
        }
        return wanted;
    }

    /**
     * Follows the references of static resources too: an EDS cluster of {@code static_resources} with
     * {@code eds_config: {ads: {}}} takes its endpoints from this stream, as in Envoy.
     */
    void addStaticDependencies(List<io.envoyproxy.envoy.config.cluster.v3.Cluster> clusters) {
        for (var c : clusters) {
            // Already validated by the bootstrap loader; only what this stream can serve is followed.
            List<Dependency> deps = DependencyFinder.find(XdsResourceType.CLUSTER, c, SOURCE, new ArrayList<>())
                    .stream().filter(d -> supports(d.type())).toList();
            if (!deps.isEmpty()) {
                staticDependencies.put(c.getName(), deps);
            }
        }
    }

    Map<String, List<Dependency>> staticDependencies() {
        return staticDependencies;
    }

    /** Drops an unsubscribed resource: like grpc-java and Envoy, nothing is cached past its last user. */
    void unsubscribe(XdsResourceType type, String name) {
        TypeState st = states.get(type);
        st.subscribed.remove(name);
        st.cancelFetchTimer(name);
        st.resources.remove(name);
        st.absent.remove(name);
        st.rejected.remove(name);
    }

    private static String describe(XdsResourceType type, String name, String message) {
        return new ConfigProblem(SOURCE, type.protoName(), name, "", message).toString();
    }

    private static String join(List<ConfigProblem> problems) {
        StringBuilder sb = new StringBuilder();
        for (ConfigProblem p : problems) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(p);
        }
        return sb.toString();
    }

    private static String truncate(String s) {
        if (s.length() <= MAX_ERROR_DETAIL_CHARS) {
            return s;
        }
        int cut = s.lastIndexOf('\n', MAX_ERROR_DETAIL_CHARS);
        cut = cut <= 0 ? MAX_ERROR_DETAIL_CHARS : cut;
        long more = s.substring(cut).chars().filter(c -> c == '\n').count();
        return s.substring(0, cut) + "\n... and " + more + " more";
    }
}
