package io.outrigger.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;

import java.util.concurrent.TimeUnit;

/**
 * The backend's HTTP/2 side (after Netty's frame codec): the same answers as
 * {@link BackendHttp1Handler}, per stream. Inbound frames are released here and DATA bytes are
 * returned to flow control as they arrive.
 */
final class BackendH2Handler extends ChannelInboundHandlerAdapter {

    private final ResponseGate gate;
    private final ResponseBodies bodies;
    /** Path and body length of requests whose body is still arriving, by stream id. */
    private final IntObjectHashMap<long[]> bodyBytes = new IntObjectHashMap<>();
    private final IntObjectHashMap<String> paths = new IntObjectHashMap<>();

    BackendH2Handler(ResponseGate gate, ResponseBodies bodies) {
        this.gate = gate;
        this.bodies = bodies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame h) {
                int id = h.stream().id();
                CharSequence path = h.headers().path();
                if (h.isEndStream()) {
                    respond(ctx, h.stream(), bodies.sizeFor(path == null ? "/" : path.toString(), 0));
                } else {
                    paths.put(id, path == null ? "/" : path.toString());
                    bodyBytes.put(id, new long[1]);
                }
            } else if (msg instanceof Http2DataFrame d) {
                int id = d.stream().id();
                long[] n = bodyBytes.get(id);
                if (n != null) {
                    n[0] += d.content().readableBytes();
                }
                if (d.initialFlowControlledBytes() > 0 && !d.isEndStream()) {
                    ctx.write(new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes()).stream(d.stream()),
                            ctx.voidPromise());
                }
                if (d.isEndStream()) {
                    String path = paths.remove(id);
                    bodyBytes.remove(id);
                    int received = n == null ? 0 : (int) Math.min(Integer.MAX_VALUE, n[0]);
                    respond(ctx, d.stream(), bodies.sizeFor(path == null ? "/" : path, received));
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    private void respond(ChannelHandlerContext ctx, Http2FrameStream stream, int size) {
        long wait = gate.admit();
        if (wait <= 0) {
            write(ctx, stream, size, false);
        } else {
            ctx.executor().schedule(() -> write(ctx, stream, size, true), wait, TimeUnit.NANOSECONDS);
        }
    }

    private void write(ChannelHandlerContext ctx, Http2FrameStream stream, int size, boolean flush) {
        if (!ctx.channel().isActive()) {
            return;
        }
        Http2Headers headers = new DefaultHttp2Headers().status("200")
                .add("content-type", "application/octet-stream").addInt("content-length", size);
        ctx.write(new DefaultHttp2HeadersFrame(headers, size == 0).stream(stream), ctx.voidPromise());
        if (size > 0) {
            ByteBuf body = bodies.body(ctx.alloc(), size);
            ctx.write(new DefaultHttp2DataFrame(body, true).stream(stream), ctx.voidPromise());
        }
        if (flush) {
            ctx.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
