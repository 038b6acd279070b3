package io.outrigger.tls.identity;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Trust bundles keyed by trust domain (SPIFFE federation): a peer is checked against the bundle of ITS
 * trust domain only, so the root of {@code cluster2.example} never vouches for a {@code cluster.local}
 * identity. The value Envoy calls a validation context secret.
 *
 * @param byDomain the bundle of each trust domain we accept peers from
 */
public record TrustBundles(Map<TrustDomain, TrustBundle> byDomain) {
    public TrustBundles {
        byDomain = Map.copyOf(byDomain);
        byDomain.forEach((td, b) -> {
            if (!b.trustDomain().equals(td)) {
                throw new IllegalArgumentException("bundle for " + b.trustDomain() + " filed under " + td);
            }
        });
    }

    /** Bundles from a list, one per trust domain. */
    public static TrustBundles of(Collection<TrustBundle> bundles) {
        Map<TrustDomain, TrustBundle> m = new TreeMap<>();
        for (TrustBundle b : bundles) {
            if (m.put(b.trustDomain(), b) != null) {
                throw new IllegalArgumentException("trust domain " + b.trustDomain() + ": two bundles (expected: one)");
            }
        }
        return new TrustBundles(m);
    }

    /** Bundles from varargs. */
    public static TrustBundles of(TrustBundle... bundles) {
        return of(java.util.List.of(bundles));
    }

    /** The bundle for a trust domain, if we federate with it. */
    public Optional<TrustBundle> bundleFor(TrustDomain domain) {
        return Optional.ofNullable(byDomain.get(Objects.requireNonNull(domain, "domain")));
    }

    /** These bundles with {@code bundle} added or replacing the one of its trust domain. */
    public TrustBundles with(TrustBundle bundle) {
        Map<TrustDomain, TrustBundle> m = new TreeMap<>(byDomain);
        m.put(bundle.trustDomain(), bundle);
        return new TrustBundles(m);
    }
}
