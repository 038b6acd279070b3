package io.outrigger.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;

import java.util.ArrayDeque;

/**
 * HTTP/2 with prior knowledge over cleartext: up to {@code streams} requests in flight on one
 * connection, each on its own stream, matched to its response by stream id. Sits after
 * Netty's {@code Http2FrameCodec} and a {@link StreamFactory}; inbound frames are released here, and the bytes of each DATA
 * frame are handed back to flow control so long runs never stall on a closed window.
 */
final class H2Exchange extends ExchangeHandler {

    /** One request in flight; recycled through {@link #free} so steady state allocates no records. */
    private static final class Pending {
        long intended;
        long sent;
        long bodyBytes;
        boolean ok;
    }

    private final Http2Headers headers;
    private final ByteBuf body;
    private final IntObjectHashMap<Pending> inFlight = new IntObjectHashMap<>();
    private final ArrayDeque<Pending> free = new ArrayDeque<>();
    private StreamFactory streams;

    /**
     * Netty creates outbound stream objects only through an {@link Http2ChannelDuplexHandler} that
     * sits after the codec; this one does nothing else.
     */
    static final class StreamFactory extends Http2ChannelDuplexHandler {
        Http2FrameStream create() {
            return newStream();
        }
    }

    /** {@code body} must be unreleasable (it may be empty): every stream writes duplicates of it. */
    H2Exchange(LoadSpec spec, ByteBuf body) {
        super(spec.streams());
        this.body = body;
        this.headers = new DefaultHttp2Headers()
                .method(spec.payloadBytes() == 0 ? "GET" : "POST")
                .scheme("http")
                .path(spec.path())
                .authority(spec.authority())
                .add("user-agent", "outrigger-loadgen");
        if (spec.payloadBytes() > 0) {
            headers.add("content-type", "application/octet-stream")
                    .addInt("content-length", spec.payloadBytes());
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        streams = ctx.pipeline().get(StreamFactory.class);
    }

    @Override
    protected void send(long intended, long now) {
        Http2FrameStream stream = streams.create();
        boolean noBody = body.readableBytes() == 0;
        // Written headers are only read by the encoder during this call, so one instance serves all streams.
        ctx.write(new DefaultHttp2HeadersFrame(headers, noBody).stream(stream), ctx.voidPromise());
        if (!noBody) {
            ctx.write(new DefaultHttp2DataFrame(body.duplicate(), true).stream(stream), ctx.voidPromise());
        }
        Pending p = free.isEmpty() ? new Pending() : free.pop();
        p.intended = intended;
        p.sent = now;
        p.bodyBytes = 0;
        p.ok = false;
        inFlight.put(stream.id(), p);
        if (measured(intended)) {
            lane.stats.sent(body.readableBytes());
        }
    }

    @Override
    protected int inFlight() {
        return inFlight.size();
    }

    @Override
    protected int abandonInFlight() {
        int lost = 0;
        if (lane != null && lane.started) {
            for (Pending p : inFlight.values()) {
                if (measured(p.intended)) {
                    lost++;
                }
            }
        }
        inFlight.clear();
        return lost;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof Http2StreamFrame frame) || frame.stream() == null) {
                return;
            }
            int id = frame.stream().id();
            Pending p = inFlight.get(id);
            if (p == null) {
                return;
            }
            boolean end = false;
            if (msg instanceof Http2HeadersFrame h) {
                CharSequence status = h.headers().status();
                if (status != null) {
                    int code = Integer.parseInt(status.toString());
                    // 1xx are informational; the final response follows on the same stream.
                    if (code >= 200) {
                        p.ok = code < 300;
                    }
                }
                end = h.isEndStream();
            } else if (msg instanceof Http2DataFrame d) {
                p.bodyBytes += d.content().readableBytes();
                if (d.initialFlowControlledBytes() > 0 && !d.isEndStream()) {
                    ctx.write(new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes()).stream(d.stream()),
                            ctx.voidPromise());
                }
                end = d.isEndStream();
            } else if (msg instanceof Http2ResetFrame) {
                p.ok = false;
                end = true;
            }
            if (end) {
                inFlight.remove(id);
                if (measured(p.intended)) {
                    lane.stats.received(p.bodyBytes);
                }
                completed(p.intended, p.sent, p.ok);
                free.push(p);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
