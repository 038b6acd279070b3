package io.outrigger.xds.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the descriptor of a message named by an {@code Any} type URL among the protos we ship:
 * the Envoy v3 API, xDS/udpa types, and protobuf's well-known types. Only classes under those
 * packages that are protobuf messages are ever touched, so a type URL from a file cannot make us
 * load arbitrary classes.
 */
final class MessageTypes {
    private static final String URL_PREFIX = "type.googleapis.com/";

    /** Proto package prefix to the Java package prefix it is generated into. */
    private static final List<Map.Entry<String, String>> JAVA_PACKAGES = List.of(
            Map.entry("envoy.", "io.envoyproxy.envoy."),
            Map.entry("udpa.", "com.github.udpa.udpa."),
            Map.entry("xds.", "com.github.xds."),
            Map.entry("google.protobuf.", "com.google.protobuf."),
            Map.entry("google.rpc.", "com.google.rpc."));

    private static final Map<String, Optional<Descriptor>> CACHE = new ConcurrentHashMap<>();

    private MessageTypes() {
    }

    /** {@code type.googleapis.com/envoy.config.listener.v3.Listener} -> {@code envoy.config.listener.v3.Listener}. */
    static String fullName(String typeUrl) {
        int slash = typeUrl.lastIndexOf('/');
        return slash < 0 ? typeUrl : typeUrl.substring(slash + 1);
    }

    static String typeUrl(Descriptor d) {
        return URL_PREFIX + d.getFullName();
    }

    /** The descriptor for {@code typeUrl}, or empty when no message of that name is on our class path. */
    static Optional<Descriptor> find(String typeUrl) {
        return CACHE.computeIfAbsent(fullName(typeUrl), MessageTypes::resolve);
    }

    private static Optional<Descriptor> resolve(String fullName) {
        for (Map.Entry<String, String> pkg : JAVA_PACKAGES) {
            if (!fullName.startsWith(pkg.getKey())) {
                continue;
            }
            String javaName = pkg.getValue() + fullName.substring(pkg.getKey().length());
            // Nested messages are inner classes: try Outer.Inner as Outer$Inner from the right.
            String candidate = javaName;
            for (int i = 0; i < 4; i++) {
                Optional<Descriptor> d = load(candidate, fullName);
                if (d.isPresent()) {
                    return d;
                }
                int dot = candidate.lastIndexOf('.');
                if (dot < 0) {
                    break;
                }
                candidate = candidate.substring(0, dot) + "$" + candidate.substring(dot + 1);
            }
        }
        return Optional.empty();
    }

    private static Optional<Descriptor> load(String className, String fullName) {
        try {
            Class<?> c = Class.forName(className, false, MessageTypes.class.getClassLoader());
            if (!Message.class.isAssignableFrom(c)) {
                return Optional.empty();
            }
            Method m = c.getMethod("getDescriptor");
            Descriptor d = (Descriptor) m.invoke(null);
            return d.getFullName().equals(fullName) ? Optional.of(d) : Optional.empty();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** Why a type we cannot resolve is unknown, for messages: Istio's own extensions are named as such. */
    static String unknownTypeHint(String typeUrl) {
        String name = fullName(typeUrl);
        if (isIstio(name)) {
            return " (an Istio-specific extension, not part of the Envoy v3 API; Outrigger does not implement it)";
        }
        if (name.startsWith("envoy.") || name.startsWith("xds.") || name.startsWith("udpa.")) {
            return " (misspelled, or newer than the Envoy API Outrigger is built with, "
                    + "io.envoyproxy.controlplane:api 1.0.49)";
        }
        return " (expected a message type of the Envoy v3 API, e.g. "
                + "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy)";
    }

    static boolean isIstio(String typeName) {
        String n = fullName(typeName);
        return n.startsWith("istio.") || n.startsWith("io.istio.") || n.startsWith("envoy.tcp.metadataexchange.")
                || n.startsWith("stats.") || n.startsWith("envoy.extensions.filters.http.istio_stats.")
                || n.startsWith("istio_");
    }
}
