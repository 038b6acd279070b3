package io.outrigger.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 keep-alive, one request at a time. The request never changes, so it is encoded once and
 * written as a duplicate of a shared read-only buffer; responses go through Netty's decoder.
 * The decoder's messages are released here, in {@link #channelRead}.
 */
final class Http1Exchange extends ExchangeHandler {

    private final ByteBuf request;
    private boolean pending;
    private long intended;
    private long sent;
    private boolean ok;
    private long bodyBytes;

    /** {@code request} must be unreleasable: every connection writes duplicates of it. */
    Http1Exchange(ByteBuf request) {
        super(1);
        this.request = request;
    }

    /** Encodes the one request of a run: GET without a body, POST with {@code payload} bytes. */
    static ByteBuf encodeRequest(LoadSpec spec) {
        StringBuilder head = new StringBuilder(128)
                .append(spec.payloadBytes() == 0 ? "GET " : "POST ").append(spec.path()).append(" HTTP/1.1\r\n")
                .append("host: ").append(spec.authority()).append("\r\n")
                .append("user-agent: outrigger-loadgen\r\n");
        if (spec.payloadBytes() > 0) {
            head.append("content-type: application/octet-stream\r\n")
                    .append("content-length: ").append(spec.payloadBytes()).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + spec.payloadBytes()];
        System.arraycopy(h, 0, all, 0, h.length);
        java.util.Arrays.fill(all, h.length, all.length, (byte) 'x');
        return Unpooled.wrappedBuffer(all);
    }

    @Override
    protected void send(long intended, long now) {
        this.intended = intended;
        this.sent = now;
        this.pending = true;
        this.ok = false;
        this.bodyBytes = 0;
        if (measured(intended)) {
            lane.stats.sent(request.readableBytes());
        }
        ctx.write(request.duplicate(), ctx.voidPromise());
    }

    @Override
    protected int inFlight() {
        return pending ? 1 : 0;
    }

    @Override
    protected int abandonInFlight() {
        boolean lost = pending && lane != null && lane.started && measured(intended);
        pending = false;
        return lost ? 1 : 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpResponse response) {
                int code = response.status().code();
                ok = code >= 200 && code < 300 && response.decoderResult().isSuccess();
            }
            if (msg instanceof HttpContent content) {
                bodyBytes += content.content().readableBytes();
                if (msg instanceof LastHttpContent && pending) {
                    pending = false;
                    if (measured(intended)) {
                        lane.stats.received(bodyBytes);
                    }
                    completed(intended, sent, ok);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
