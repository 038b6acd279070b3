package io.outrigger.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.outrigger.proxy.http.route.RequestHead;
import java.util.List;

/** A Netty request seen through {@link RequestHead}. */
final class NettyRequestHead implements RequestHead {
    private final HttpRequest request;
    private final String scheme;

    NettyRequestHead(HttpRequest request, String scheme) {
        this.request = request;
        this.scheme = scheme;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return request.uri();
    }

    @Override
    public String authority() {
        String h = request.headers().get(HttpHeaderNames.HOST);
        return h == null ? "" : h;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public String header(String name) {
        if (!name.isEmpty() && name.charAt(0) == ':') {
            return switch (name) {
                case ":method" -> method();
                case ":path" -> path();
                case ":authority" -> authority();
                case ":scheme" -> scheme;
                default -> null;
            };
        }
        List<String> all = request.headers().getAll(name);
        if (all.isEmpty()) {
            return null;
        }
        return all.size() == 1 ? all.getFirst() : String.join(",", all);
    }
}
