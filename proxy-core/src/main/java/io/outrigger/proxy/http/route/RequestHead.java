package io.outrigger.proxy.http.route;

/**
 * What routing reads of a request: method, path (with query), authority and headers. Pseudo-header
 * names ({@code :method}, {@code :path}, {@code :authority}, {@code :scheme}) resolve to those.
 */
public interface RequestHead {
    String method();

    /** The request target as received, query string included. */
    String path();

    /** The {@code :authority} / {@code Host}, or "" when absent. */
    String authority();

    /** "http" or "https". */
    String scheme();

    /**
     * The header's value, several values joined with "," as Envoy does for matching, or {@code null}.
     *
     * @param lowerCaseName a lower-case header name
     */
    String header(String lowerCaseName);
}
