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
 * application protocol never match it. Pure: the listener layer feeds it the local address.
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
        List<Parsed<T>> step = narrow(parsed,
                c -> c.candidate().match().destinationPort() != null
                        && c.candidate().match().destinationPort() == destinationPort,
                c -> c.candidate().match().destinationPort() == null);
        step = byLongestPrefix(step, destinationIp);
        step = narrow(step, c -> false, c -> c.candidate().match().serverNames().isEmpty());
        step = narrow(step, c -> "raw_buffer".equals(c.candidate().match().transportProtocol()),
                c -> isEmpty(c.candidate().match().transportProtocol()));
        step = narrow(step, c -> false, c -> c.candidate().match().applicationProtocols().isEmpty());
        return step.isEmpty() ? defaultChain : step.getFirst().candidate().chain();
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
