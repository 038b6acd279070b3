package io.outrigger.proxy.http;

import io.netty.handler.codec.http.HttpRequest;
import io.outrigger.proxy.http.route.RouteEntry;
import io.outrigger.xds.snapshot.RouteActionSpec;

/** The {@code Location} of a route's {@code redirect}, built from the request as Envoy does. */
final class Redirects {
    private Redirects() {
    }

    static String location(RouteActionSpec.Redirect r, RouteEntry route, HttpRequest request, String authority) {
        String scheme = r.scheme() != null ? r.scheme() : request.headers().get("x-forwarded-proto", "http");
        String host = r.host() != null ? r.host() : authority;
        if (r.port() != 0) {
            host = stripPort(host) + ":" + r.port();
        } else if (r.scheme() != null && r.host() == null) {
            // A scheme change drops the old scheme's port.
            host = stripPort(host);
        }
        String uri = request.uri();
        int q = RouteEntryPaths.pathEnd(uri);
        String query = uri.substring(q);
        String path;
        if (r.path() != null) {
            path = r.path();
            if (path.indexOf('?') >= 0) {
                query = "";
            }
        } else if (r.prefixRewrite() != null) {
            String rewritten = route.rewritePath(uri, r.prefixRewrite());
            int rq = RouteEntryPaths.pathEnd(rewritten);
            path = rewritten.substring(0, rq);
        } else {
            path = uri.substring(0, q);
        }
        if (r.stripQuery()) {
            query = "";
        }
        return scheme + "://" + host + path + query;
    }

    private static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon < 0 || host.indexOf(']', colon) >= 0 ? host : host.substring(0, colon);
    }

    /** Access to the path/query split without exposing route internals. */
    private static final class RouteEntryPaths {
        static int pathEnd(String p) {
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c == '?' || c == '#') {
                    return i;
                }
            }
            return p.length();
        }
    }
}
