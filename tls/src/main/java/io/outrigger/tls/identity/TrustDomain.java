package io.outrigger.tls.identity;

import io.outrigger.tls.identity.InvalidSpiffeIdException.Rule;
import java.util.Objects;

/**
 * A SPIFFE trust domain name such as {@code cluster.local} or {@code prod.example.org}: lowercase letters,
 * digits, {@code .}, {@code -} and {@code _}, at most 255 characters.
 *
 * @param name the trust domain name, without scheme
 */
public record TrustDomain(String name) implements Comparable<TrustDomain> {
    static final int MAX_LENGTH = 255;

    public TrustDomain {
        Objects.requireNonNull(name, "name");
        Rule broken = check(name);
        if (broken != null) {
            throw new InvalidSpiffeIdException(broken, name);
        }
    }

    /**
     * Parses a trust domain name; also accepts the SPIFFE ID of the trust domain itself
     * ({@code spiffe://example.org}).
     */
    public static TrustDomain of(String nameOrId) {
        Objects.requireNonNull(nameOrId, "nameOrId");
        if (nameOrId.startsWith(SpiffeId.SCHEME_PREFIX)) {
            SpiffeId id = SpiffeId.parse(nameOrId);
            if (!id.path().isEmpty()) {
                throw new IllegalArgumentException("trust domain: '" + nameOrId + "' (expected no path)");
            }
            return id.trustDomain();
        }
        return new TrustDomain(nameOrId);
    }

    /** The SPIFFE ID naming the trust domain itself, {@code spiffe://<name>}. */
    public SpiffeId id() {
        return new SpiffeId(this, "");
    }

    /** Returns the first rule {@code name} breaks, or null if it is a valid trust domain name. */
    static Rule check(String name) {
        if (name.isEmpty()) {
            return Rule.MISSING_TRUST_DOMAIN;
        }
        if (name.length() > MAX_LENGTH) {
            return Rule.TRUST_DOMAIN_TOO_LONG;
        }
        if (name.indexOf('@') >= 0) {
            return Rule.USERINFO;
        }
        if (name.indexOf(':') >= 0) {
            return Rule.PORT;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
            if (!ok) {
                return Rule.TRUST_DOMAIN_CHARACTERS;
            }
        }
        return null;
    }

    @Override
    public int compareTo(TrustDomain other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
