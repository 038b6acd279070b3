package io.outrigger.tls.identity;

import java.util.Objects;

/**
 * A string is not a valid SPIFFE ID or trust domain name. {@link #rule()} names the rule of the SPIFFE-ID
 * specification that was broken, so callers (config validation, SVID checks) can report it precisely.
 */
public final class InvalidSpiffeIdException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The rules of the SPIFFE-ID specification (section 2) that a value can break. */
    public enum Rule {
        EMPTY("cannot be empty"),
        TOO_LONG("must be at most 2048 bytes"),
        WRONG_SCHEME("scheme must be 'spiffe://'"),
        MISSING_TRUST_DOMAIN("trust domain is missing"),
        TRUST_DOMAIN_TOO_LONG("trust domain must be at most 255 characters"),
        TRUST_DOMAIN_CHARACTERS("trust domain characters are limited to lowercase letters, digits, '.', '-' and '_'"),
        PORT("trust domain must not include a port"),
        USERINFO("must not include userinfo"),
        QUERY("must not include a query"),
        FRAGMENT("must not include a fragment"),
        EMPTY_SEGMENT("path cannot contain empty segments"),
        DOT_SEGMENT("path cannot contain '.' or '..' segments"),
        PATH_CHARACTERS("path segment characters are limited to letters, digits, '.', '-' and '_'"),
        TRAILING_SLASH("path cannot have a trailing slash");

        private final String description;

        Rule(String description) {
            this.description = description;
        }

        /** The rule in words, as the specification states it. */
        public String description() {
            return description;
        }
    }

    private final Rule rule;
    private final String input;

    InvalidSpiffeIdException(Rule rule, String input) {
        super("invalid SPIFFE ID '" + input + "': " + rule.description());
        this.rule = Objects.requireNonNull(rule, "rule");
        this.input = input;
    }

    /** The rule broken. */
    public Rule rule() {
        return rule;
    }

    /** The value that was rejected, as given. */
    public String input() {
        return input;
    }
}
