package io.outrigger.bench.harness;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.util.concurrent.TimeUnit;

/**
 * The backend's HTTP/1.1 side: answers every request with 200 and a body as long as the request's
 * (an echo), or {@code ?size=N} bytes, or the configured default; keep-alive unless the client says
 * otherwise. The aggregated request is released by {@link SimpleChannelInboundHandler}.
 */
final class BackendHttp1Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final ResponseGate gate;
    private final ResponseBodies bodies;

    BackendHttp1Handler(ResponseGate gate, ResponseBodies bodies) {
        this.gate = gate;
        this.bodies = bodies;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        int size = bodies.sizeFor(req.uri(), req.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                bodies.body(ctx.alloc(), size));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, size);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        long wait = gate.admit();
        if (wait <= 0) {
            write(ctx, res, keepAlive);
        } else {
            ctx.executor().schedule(() -> write(ctx, res, keepAlive), wait, TimeUnit.NANOSECONDS);
        }
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse res, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            res.release();
            return;
        }
        if (keepAlive) {
            ctx.writeAndFlush(res, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
