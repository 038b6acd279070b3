package io.outrigger.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;

import java.util.List;

/**
 * Serves HTTP/1.1 and h2c with prior knowledge on one port, as Envoy's and nginx's listeners do:
 * a connection that opens with the HTTP/2 preface gets the HTTP/2 pipeline, any other the HTTP/1.1
 * one. Replaces itself on the first decision; buffered bytes go on to the new pipeline.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final ResponseGate gate;
    private final ResponseBodies bodies;

    ProtocolSniffer(ResponseGate gate, ResponseBodies bodies) {
        this.gate = gate;
        this.bodies = bodies;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean prefixMatches = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n);
        if (prefixMatches && n < PREFACE.readableBytes()) {
            return; // could still be HTTP/2: wait for the rest of the preface
        }
        if (prefixMatches) {
            ctx.pipeline().addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forServer().autoAckSettingsFrame(true).build());
            ctx.pipeline().addAfter("h2", "h2-backend", new BackendH2Handler(gate, bodies));
        } else {
            ctx.pipeline().addAfter(ctx.name(), "http1", new HttpServerCodec());
            ctx.pipeline().addAfter("http1", "aggregator", new HttpObjectAggregator(LoadSpec.MAX_PAYLOAD));
            ctx.pipeline().addAfter("aggregator", "http1-backend", new BackendHttp1Handler(gate, bodies));
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed TLS handshake or a reset before the first bytes: nothing to answer, just drop it.
        ctx.close();
    }
}
