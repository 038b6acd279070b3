package io.outrigger.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.HttpLimitsSpec;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Puts a connection manager on an accepted downstream channel: the HTTP/1.1 codec, the HTTP/2
 * codec, or (codec_type AUTO) a sniffer that picks HTTP/2 when the connection starts with the
 * HTTP/2 client preface (prior knowledge) and HTTP/1.1 otherwise.
 *
 * <p>HTTP/2 limits: {@code max_concurrent_streams} and the initial window come from the config;
 * Netty's decoder caps RST_STREAM floods (the "rapid reset" pattern: at most 200 resets per 30 s
 * before the connection is closed with GOAWAY) and the control frames queued for a peer that does
 * not read (SETTINGS/PING floods: 1,000, Envoy's {@code max_outbound_control_frames}).
 */
public final class HttpInstaller {
    /** Resets a client may send per window before its connection is closed (CVE-2023-44487). */
    static final int MAX_RST_FRAMES_PER_WINDOW = 200;
    static final int RST_WINDOW_SECONDS = 30;
    static final int MAX_QUEUED_CONTROL_FRAMES = 1000;

    private HttpInstaller() {
    }

    /** The connection's restored original destination, where an ORIGINAL_DST cluster connects. */
    static final AttributeKey<InetSocketAddress> ORIGINAL_DESTINATION =
            AttributeKey.valueOf(HttpInstaller.class, "originalDestination");

    /** Installs {@code chain} on {@code ch} (before it is active) and turns reading on. */
    public static void install(Channel ch, HttpChain chain) {
        install(ch, chain, null);
    }

    /**
     * Like {@link #install(Channel, HttpChain)}, for a connection whose original destination was
     * restored (listener {@code original_dst} filter or a {@code use_original_dst} hand-off).
     *
     * @param originalDestination what an ORIGINAL_DST cluster connects to, or {@code null}
     */
    public static void install(Channel ch, HttpChain chain, InetSocketAddress originalDestination) {
        if (originalDestination != null) {
            ch.attr(ORIGINAL_DESTINATION).set(originalDestination);
        }
        chain.stats().downstreamCxTotal().increment();
        chain.stats().downstreamCxActive().increment();
        switch (chain.spec().codecType()) {
            case HTTP1 -> http1(ch.pipeline(), chain);
            case HTTP2 -> http2(ch.pipeline(), chain);
            case AUTO -> ch.pipeline().addLast("http-sniffer", new Sniffer(chain));
        }
        ch.config().setAutoRead(true);
    }

    static void http1(ChannelPipeline p, HttpChain chain) {
        chain.stats().downstreamCxHttp1Total().increment();
        HttpLimitsSpec l = chain.spec().limits();
        int maxHeaders = l.maxRequestHeadersKb() * 1024;
        Http1ServerHandler handler = new Http1ServerHandler(chain);
        p.addLast("http1-first-byte", handler.firstByteWatch());
        p.addLast("http1-codec", new HttpServerCodec(Math.min(maxHeaders, 64 * 1024), maxHeaders, 64 * 1024));
        p.addLast("http1-continue", new HttpServerExpectContinueHandler());
        p.addLast("http1", handler);
    }

    static void http2(ChannelPipeline p, HttpChain chain) {
        chain.stats().downstreamCxHttp2Total().increment();
        HttpConnectionManagerSpec spec = chain.spec();
        HttpLimitsSpec l = spec.limits();
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(l.maxConcurrentStreams())
                .initialWindowSize(l.initialStreamWindowSize())
                .maxHeaderListSize(l.maxRequestHeadersKb() * 1024L);
        p.addLast("http2-codec", Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .decoderEnforceMaxRstFramesPerWindow(MAX_RST_FRAMES_PER_WINDOW, RST_WINDOW_SECONDS)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .build());
        p.addLast("http2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true), new Http2StreamHandler(chain));
            }
        }));
        p.addLast("http2-close", new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                chain.stats().downstreamCxActive().decrement();
                ctx.fireChannelInactive();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // The HTTP/2 codec has already answered a connection error with GOAWAY; nothing else to do.
                chain.stats().downstreamCxProtocolError().increment();
                ctx.close();
            }
        });
    }

    /** Reads just enough of a new connection to tell the HTTP/2 preface from an HTTP/1.x request line. */
    static final class Sniffer extends ByteToMessageDecoder {
        private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
        private final HttpChain chain;

        Sniffer(HttpChain chain) {
            this.chain = chain;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
            boolean prefix = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n);
            if (prefix && n < PREFACE.readableBytes()) {
                return; // could still be HTTP/2: wait for more
            }
            ChannelPipeline p = ctx.pipeline();
            if (prefix) {
                http2(p, chain);
            } else {
                http1(p, chain);
            }
            p.remove(this);
        }
    }
}
