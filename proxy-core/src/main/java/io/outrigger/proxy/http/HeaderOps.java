package io.outrigger.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.outrigger.xds.snapshot.HeaderMutationSpec;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Header edits a proxy makes per request: hop-by-hop headers removed, configured mutations applied. */
public final class HeaderOps {
    private HeaderOps() {
    }

    /**
     * Removes the headers that belong to one connection (RFC 9110 §7.6.1) and Netty's HTTP/2
     * extension headers, including those a {@code Connection} header names.
     */
    public static void stripHopByHop(HttpHeaders h) {
        List<String> named = h.getAll(HttpHeaderNames.CONNECTION);
        for (String v : named) {
            for (String token : v.split(",")) {
                String t = token.strip();
                if (!t.isEmpty()) {
                    h.remove(t);
                }
            }
        }
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.UPGRADE);
        h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        Iterator<Map.Entry<String, String>> it = h.iteratorAsString();
        boolean extension = false;
        while (it.hasNext()) {
            if (it.next().getKey().regionMatches(true, 0, "x-http2-", 0, 8)) {
                extension = true;
                break;
            }
        }
        if (extension) {
            h.remove("x-http2-stream-id");
            h.remove("x-http2-scheme");
            h.remove("x-http2-path");
            h.remove("x-http2-stream-dependency-id");
            h.remove("x-http2-stream-weight");
            h.remove("x-http2-stream-promise-id");
        }
    }

    /** Applies mutations in order (most specific level first), as Envoy does by default. */
    public static void apply(HttpHeaders h, List<HeaderMutationSpec> levels) {
        for (HeaderMutationSpec m : levels) {
            for (String r : m.remove()) {
                h.remove(r);
            }
            for (HeaderMutationSpec.HeaderValueSpec v : m.add()) {
                switch (v.action()) {
                    case APPEND_IF_EXISTS_OR_ADD -> h.add(v.name(), v.value());
                    case ADD_IF_ABSENT -> {
                        if (!h.contains(v.name())) {
                            h.add(v.name(), v.value());
                        }
                    }
                    case OVERWRITE_IF_EXISTS_OR_ADD -> h.set(v.name(), v.value());
                    case OVERWRITE_IF_EXISTS -> {
                        if (h.contains(v.name())) {
                            h.set(v.name(), v.value());
                        }
                    }
                }
            }
        }
    }
}
