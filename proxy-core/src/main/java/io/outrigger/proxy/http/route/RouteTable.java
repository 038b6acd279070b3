package io.outrigger.proxy.http.route;

import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.xds.snapshot.HeaderMutationSpec;
import io.outrigger.xds.snapshot.RouteConfigSpec;
import io.outrigger.xds.snapshot.RouteSpec;
import io.outrigger.xds.snapshot.VirtualHostSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A route configuration compiled for the data path: routing is a pure function from a request head
 * to the {@link RouteEntry} that serves it (or {@code null}: no route, 404 with flag {@code NR}).
 *
 * <p>Virtual hosts are chosen by {@code :authority} as Envoy does: an exact domain first, then the
 * longest suffix wildcard ({@code *.example.com}), then the longest prefix wildcard
 * ({@code example.*}), then {@code *}. Within the virtual host, the first route that matches wins.
 */
public final class RouteTable {
    private final Map<String, VirtualHost> exact;
    private final List<Wildcard> suffixes;
    private final List<Wildcard> prefixes;
    private final VirtualHost fallback;
    private final boolean ignorePort;
    private final String name;

    private record VirtualHost(String name, RouteEntry[] routes) {
    }

    private record Wildcard(String part, VirtualHost host) {
    }

    private RouteTable(String name, Map<String, VirtualHost> exact, List<Wildcard> suffixes, List<Wildcard> prefixes,
                       VirtualHost fallback, boolean ignorePort) {
        this.name = name;
        this.exact = exact;
        this.suffixes = suffixes;
        this.prefixes = prefixes;
        this.fallback = fallback;
        this.ignorePort = ignorePort;
    }

    /**
     * @param clusters resolves a cluster name to its runtime, {@code null} when there is none
     *                 (requests routed there get 503 with flag {@code NC})
     */
    public static RouteTable build(RouteConfigSpec config, Function<String, ClusterRuntime> clusters) {
        Map<String, VirtualHost> exact = new HashMap<>();
        List<Wildcard> suffixes = new ArrayList<>();
        List<Wildcard> prefixes = new ArrayList<>();
        VirtualHost fallback = null;
        for (VirtualHostSpec v : config.virtualHosts()) {
            List<RouteEntry> entries = new ArrayList<>();
            for (RouteSpec r : v.routes()) {
                entries.add(new RouteEntry(r, v.name(),
                        nonEmpty(r.requestHeaders(), v.requestHeaders(), config.requestHeaders()),
                        nonEmpty(r.responseHeaders(), v.responseHeaders(), config.responseHeaders()), clusters));
            }
            VirtualHost host = new VirtualHost(v.name(), entries.toArray(RouteEntry[]::new));
            for (String d : v.domains()) {
                String domain = d.toLowerCase(Locale.ROOT);
                if (domain.equals("*")) {
                    fallback = host;
                } else if (domain.startsWith("*")) {
                    suffixes.add(new Wildcard(domain.substring(1), host));
                } else if (domain.endsWith("*")) {
                    prefixes.add(new Wildcard(domain.substring(0, domain.length() - 1), host));
                } else {
                    exact.put(domain, host);
                }
            }
        }
        Comparator<Wildcard> longestFirst = Comparator.comparingInt((Wildcard w) -> w.part().length()).reversed();
        suffixes.sort(longestFirst);
        prefixes.sort(longestFirst);
        return new RouteTable(config.name(), Map.copyOf(exact), List.copyOf(suffixes), List.copyOf(prefixes), fallback,
                config.ignorePortInHostMatching());
    }

    private static List<HeaderMutationSpec> nonEmpty(HeaderMutationSpec... levels) {
        List<HeaderMutationSpec> out = new ArrayList<>(levels.length);
        for (HeaderMutationSpec m : levels) {
            if (!m.isEmpty()) {
                out.add(m);
            }
        }
        return out;
    }

    /** The route for this request, or {@code null} when no virtual host or route matches. */
    public RouteEntry route(RequestHead head) {
        VirtualHost host = virtualHost(head.authority());
        if (host == null) {
            return null;
        }
        for (RouteEntry r : host.routes()) {
            if (r.matches(head)) {
                return r;
            }
        }
        return null;
    }

    private VirtualHost virtualHost(String authority) {
        String host = lowerCase(authority);
        if (ignorePort) {
            host = stripPort(host);
        }
        VirtualHost v = exact.get(host);
        if (v != null) {
            return v;
        }
        // Envoy requires the wildcard to stand for at least one character.
        for (Wildcard w : suffixes) {
            if (host.length() > w.part().length() && host.endsWith(w.part())) {
                return w.host();
            }
        }
        for (Wildcard w : prefixes) {
            if (host.length() > w.part().length() && host.startsWith(w.part())) {
                return w.host();
            }
        }
        return fallback;
    }

    /** Lower-cases without allocating when the authority is already lower case (the common case). */
    private static String lowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return s.toLowerCase(Locale.ROOT);
            }
        }
        return s;
    }

    /** {@code host:port} to {@code host}; IPv6 literals keep their brackets. */
    static String stripPort(String authority) {
        int colon = authority.lastIndexOf(':');
        if (colon < 0 || authority.indexOf(']', colon) >= 0) {
            return authority;
        }
        return authority.substring(0, colon);
    }

    public String name() {
        return name;
    }
}
