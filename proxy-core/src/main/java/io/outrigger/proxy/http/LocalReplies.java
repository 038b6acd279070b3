package io.outrigger.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Responses the proxy makes itself (no route, upstream failures, timeouts, faults), with Envoy's
 * bodies. A gRPC request gets a trailers-only gRPC response instead (HTTP 200 with
 * {@code grpc-status} mapped from the HTTP status, as Envoy's local replies do).
 */
final class LocalReplies {
    static final String NO_HEALTHY_UPSTREAM = "no healthy upstream";
    static final String UPSTREAM_TIMEOUT = "upstream request timeout";
    static final String FAULT_ABORT = "fault filter abort";

    private LocalReplies() {
    }

    static String resetBody(String reason) {
        return "upstream connect error or disconnect/reset before headers. reset reason: " + reason;
    }

    static FullHttpResponse reply(ByteBufAllocator alloc, int status, String body, boolean grpc) {
        if (grpc) {
            return grpc(grpcStatusFor(status), body);
        }
        ByteBuf content = body == null || body.isEmpty() ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeUtf8(alloc, body);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (content.isReadable()) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        }
        return r;
    }

    /** A trailers-only gRPC response. */
    static FullHttpResponse grpc(int grpcStatus, String message) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
        r.headers().set("grpc-status", grpcStatus);
        if (message != null && !message.isEmpty()) {
            r.headers().set("grpc-message", message);
        }
        return r;
    }

    /** Envoy's HTTP to gRPC status mapping (Grpc::Utility::httpToGrpcStatus). */
    static int grpcStatusFor(int http) {
        return switch (http) {
            case 400 -> 13; // INTERNAL
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7; // PERMISSION_DENIED
            case 404 -> 12; // UNIMPLEMENTED
            case 429, 502, 503, 504 -> 14; // UNAVAILABLE
            default -> 2; // UNKNOWN
        };
    }
}
