package io.outrigger.tls.identity;

import io.outrigger.tls.identity.InvalidSpiffeIdException.Rule;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A SPIFFE ID, {@code spiffe://<trust domain>/<path>}, validated per the SPIFFE-ID specification: scheme
 * {@code spiffe}, a trust domain of lowercase letters, digits, {@code .-_}; no port, userinfo, query or
 * fragment; path segments non-empty, not {@code .} or {@code ..}, of letters, digits and {@code .-_}; no
 * trailing slash; at most 2048 bytes. Parsing is strict and case-sensitive, like go-spiffe: no
 * normalisation, so two equal IDs have equal strings.
 *
 * @param trustDomain the trust domain
 * @param path the path, empty or starting with {@code /}
 */
public record SpiffeId(TrustDomain trustDomain, String path) {
    static final String SCHEME_PREFIX = "spiffe://";
    static final int MAX_BYTES = 2048;

    public SpiffeId {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(path, "path");
        Rule broken = checkPath(path);
        if (broken != null) {
            throw new InvalidSpiffeIdException(broken, SCHEME_PREFIX + trustDomain.name() + path);
        }
        if (SCHEME_PREFIX.length() + trustDomain.name().length() + path.length() > MAX_BYTES) {
            throw new InvalidSpiffeIdException(Rule.TOO_LONG, SCHEME_PREFIX + trustDomain.name() + path);
        }
    }

    /**
     * Parses a SPIFFE ID.
     *
     * @throws InvalidSpiffeIdException naming the rule broken
     */
    public static SpiffeId parse(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new InvalidSpiffeIdException(Rule.EMPTY, id);
        }
        if (id.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidSpiffeIdException(Rule.TOO_LONG, id);
        }
        if (!id.startsWith(SCHEME_PREFIX)) {
            throw new InvalidSpiffeIdException(Rule.WRONG_SCHEME, id);
        }
        // Query and fragment are reported as such, before they could be mistaken for bad characters.
        if (id.indexOf('#') >= 0) {
            throw new InvalidSpiffeIdException(Rule.FRAGMENT, id);
        }
        if (id.indexOf('?') >= 0) {
            throw new InvalidSpiffeIdException(Rule.QUERY, id);
        }
        int slash = id.indexOf('/', SCHEME_PREFIX.length());
        String td = slash < 0 ? id.substring(SCHEME_PREFIX.length()) : id.substring(SCHEME_PREFIX.length(), slash);
        String path = slash < 0 ? "" : id.substring(slash);
        Rule broken = TrustDomain.check(td);
        if (broken == null) {
            broken = checkPath(path);
        }
        if (broken != null) {
            throw new InvalidSpiffeIdException(broken, id);
        }
        return new SpiffeId(new TrustDomain(td), path);
    }

    /** A SPIFFE ID from a trust domain name and a path ({@code ""} or starting with {@code /}). */
    public static SpiffeId of(String trustDomain, String path) {
        return new SpiffeId(new TrustDomain(trustDomain), path);
    }

    /** Istio's workload identity, {@code spiffe://<td>/ns/<namespace>/sa/<service account>}. */
    public static SpiffeId istio(String trustDomain, String namespace, String serviceAccount) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        return of(trustDomain, "/ns/" + namespace + "/sa/" + serviceAccount);
    }

    /** The Kubernetes namespace when this ID has Istio's form {@code /ns/<ns>/sa/<sa>}. */
    public Optional<String> istioNamespace() {
        String[] s = istioSegments();
        return s == null ? Optional.empty() : Optional.of(s[2]);
    }

    /** The Kubernetes service account when this ID has Istio's form {@code /ns/<ns>/sa/<sa>}. */
    public Optional<String> istioServiceAccount() {
        String[] s = istioSegments();
        return s == null ? Optional.empty() : Optional.of(s[4]);
    }

    private String[] istioSegments() {
        String[] s = path.split("/", -1);
        // "/ns/a/sa/b" splits into ["", "ns", "a", "sa", "b"].
        return s.length == 5 && s[1].equals("ns") && s[3].equals("sa") ? s : null;
    }

    /** Whether this ID belongs to {@code domain}. */
    public boolean memberOf(TrustDomain domain) {
        return trustDomain.equals(domain);
    }

    /** The URI form, {@code spiffe://td/path}. */
    @Override
    public String toString() {
        return SCHEME_PREFIX + trustDomain.name() + path;
    }

    private static Rule checkPath(String path) {
        if (path.isEmpty()) {
            return null;
        }
        if (path.charAt(0) != '/') {
            return Rule.PATH_CHARACTERS;
        }
        int start = 1;
        while (true) {
            int end = path.indexOf('/', start);
            int segEnd = end < 0 ? path.length() : end;
            if (segEnd == start) {
                // An empty last segment is a trailing slash; an empty one in the middle is "//".
                return end < 0 ? Rule.TRAILING_SLASH : Rule.EMPTY_SEGMENT;
            }
            String seg = path.substring(start, segEnd);
            if (seg.equals(".") || seg.equals("..")) {
                return Rule.DOT_SEGMENT;
            }
            for (int i = 0; i < seg.length(); i++) {
                char c = seg.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '.' || c == '-' || c == '_';
                if (!ok) {
                    return Rule.PATH_CHARACTERS;
                }
            }
            if (end < 0) {
                return null;
            }
            start = end + 1;
        }
    }
}
