package io.outrigger.proxy.listener;

import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Chooses a listener's filter chain for a new plaintext connection, the way Envoy's
 * {@code FilterChainMatch} is evaluated: criteria are applied in order (destination port,
 * destination IP prefix, server name, transport protocol, application protocols), and at each step
 * the chains that match the connection specifically win over the chains that leave the criterion
 * empty. There is no backtracking: if the most specific candidates fail a later criterion, the
 * result is the default filter chain (or none).
 *
 * <p>Without a TLS inspector a connection has no server name and no ALPN, and its transport
 * protocol is {@code raw_buffer}; chains that require a server name, {@code tls} or an
 * application protocol never match it. With one, the ClientHello's SNI and ALPN and the
 * transport protocol it detected take part. Pure: the listener layer feeds it what it knows.
 *
 * @param <T> what a chain is to the caller (its runtime)
 */
public final class FilterChainSelector<T> {
    private final List<Candidate<T>> candidates;
    private final T defaultChain;

    /** A filter chain's match with its runtime. */
    public record Candidate<T>(FilterChainMatchSpec match, T chain) {
        public Candidate {
            Objects.requireNonNull(match, "match");
            Objects.requireNonNull(chain, "chain");
        }
    }

    private record Parsed<T>(Candidate<T> candidate, List<Cidr> prefixes) {
    }

    private final List<Parsed<T>> parsed;

    /** @param defaultChain the chain used when none matches, or {@code null} to refuse such connections */
    public FilterChainSelector(List<Candidate<T>> candidates, T defaultChain) {
        this.candidates = List.copyOf(candidates);
        this.defaultChain = defaultChain;
        List<Parsed<T>> p = new ArrayList<>();
        for (Candidate<T> c : this.candidates) {
            List<Cidr> prefixes = new ArrayList<>();
            for (String range : c.match().prefixRanges()) {
                prefixes.add(Cidr.parse(range));
            }
            p.add(new Parsed<>(c, List.copyOf(prefixes)));
        }
        this.parsed = List.copyOf(p);
    }

    /**
     * The chain for a plaintext connection to {@code destinationIp:destinationPort}.
     *
     * @param destinationIp raw address bytes (4 or 16)
     * @return the chain, or {@code null} when none matches and there is no default
     */
    public T select(byte[] destinationIp, int destinationPort) {
        return select(destinationIp, destinationPort, null, RAW_BUFFER, List.of());
    }

    /** What a connection is when no listener filter detected anything. */
    public static final String RAW_BUFFER = "raw_buffer";

    /**
     * The chain for a connection whose transport protocol, server name and ALPN a listener filter
     * (tls_inspector) detected.
     *
     * @param serverName the SNI, or {@code null}
     * @param transportProtocol "tls" or "raw_buffer"
     * @param applicationProtocols the ALPN protocols the client offered, in its order
     * @return the chain, or {@code null} when none matches and there is no default
     */
    public T select(byte[] destinationIp, int destinationPort, String serverName, String transportProtocol,
                    List<String> applicationProtocols) {
        List<Parsed<T>> step = narrow(parsed,
                c -> c.candidate().match().destinationPort() != null
                        && c.candidate().match().destinationPort() == destinationPort,
                c -> c.candidate().match().destinationPort() == null);
        step = byLongestPrefix(step, destinationIp);
        step = byServerName(step, serverName);
        step = narrow(step, c -> transportProtocol.equals(c.candidate().match().transportProtocol()),
                c -> isEmpty(c.candidate().match().transportProtocol()));
        step = narrow(step, c -> intersects(c.candidate().match().applicationProtocols(), applicationProtocols),
                c -> c.candidate().match().applicationProtocols().isEmpty());
        return step.isEmpty() ? defaultChain : step.getFirst().candidate().chain();
    }

    private static boolean intersects(List<String> a, List<String> b) {
        for (String s : a) {
            if (b.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Envoy's server_names step: an exact name wins, then the longest matching wildcard ({@code *.example.com}
     * matches {@code a.b.example.com}), then the chains without server names.
     */
    private static <T> List<Parsed<T>> byServerName(List<Parsed<T>> in, String serverName) {
        if (serverName != null && !serverName.isEmpty()) {
            String sni = serverName.toLowerCase(java.util.Locale.ROOT);
            List<Parsed<T>> exact = new ArrayList<>();
            for (Parsed<T> c : in) {
                for (String n : c.candidate().match().serverNames()) {
                    if (n.equalsIgnoreCase(sni)) {
                        exact.add(c);
                        break;
                    }
                }
            }
            if (!exact.isEmpty()) {
                return exact;
            }
            int best = 0;
            List<Parsed<T>> wild = new ArrayList<>();
            for (Parsed<T> c : in) {
                for (String n : c.candidate().match().serverNames()) {
                    if (n.startsWith("*") && n.length() > best - 1) {
                        String suffix = n.substring(1).toLowerCase(java.util.Locale.ROOT);
                        if (sni.endsWith(suffix) && sni.length() > suffix.length()) {
                            if (suffix.length() > best) {
                                wild.clear();
                                best = suffix.length();
                            }
                            if (suffix.length() == best && !wild.contains(c)) {
                                wild.add(c);
                            }
                        }
                    }
                }
            }
            if (!wild.isEmpty()) {
                return wild;
            }
        }
        List<Parsed<T>> any = new ArrayList<>();
        for (Parsed<T> c : in) {
            if (c.candidate().match().serverNames().isEmpty()) {
                any.add(c);
            }
        }
        return any;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static <T> List<Parsed<T>> narrow(List<Parsed<T>> in, Predicate<Parsed<T>> specific,
                                              Predicate<Parsed<T>> any) {
        List<Parsed<T>> matched = new ArrayList<>();
        for (Parsed<T> c : in) {
            if (specific.test(c)) {
                matched.add(c);
            }
        }
        if (!matched.isEmpty()) {
            return matched;
        }
        for (Parsed<T> c : in) {
            if (any.test(c)) {
                matched.add(c);
            }
        }
        return matched;
    }

    private static <T> List<Parsed<T>> byLongestPrefix(List<Parsed<T>> in, byte[] ip) {
        int best = -1;
        List<Parsed<T>> matched = new ArrayList<>();
        for (Parsed<T> c : in) {
            for (Cidr cidr : c.prefixes()) {
                if (cidr.contains(ip) && cidr.prefixLength() >= best) {
                    if (cidr.prefixLength() > best) {
                        matched.clear();
                        best = cidr.prefixLength();
                    }
                    if (!matched.contains(c)) {
                        matched.add(c);
                    }
                }
            }
        }
        if (!matched.isEmpty()) {
            return matched;
        }
        for (Parsed<T> c : in) {
            if (c.prefixes().isEmpty()) {
                matched.add(c);
            }
        }
        return matched;
    }

    /** The candidates in config order (for dumps and tests). */
    public List<Candidate<T>> candidates() {
        return candidates;
    }
}
