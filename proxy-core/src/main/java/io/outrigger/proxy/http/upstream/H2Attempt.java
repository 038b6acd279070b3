package io.outrigger.proxy.http.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.outrigger.proxy.cluster.UpstreamHost;

/** A request as one stream of a pooled HTTP/2 connection. Event loop only. */
final class H2Attempt implements UpstreamAttempt {
    private final H2Pool pool;
    private final UpstreamHost host;
    private final UpstreamCallbacks callbacks;
    private Http2StreamChannel stream;
    private boolean cancelled;
    private boolean finished;
    private boolean streamCounted = true;

    H2Attempt(H2Pool pool, UpstreamHost host, UpstreamCallbacks callbacks) {
        this.pool = pool;
        this.host = host;
        this.callbacks = callbacks;
    }

    boolean isCancelled() {
        return cancelled;
    }

    void attach(Http2StreamChannel ch) {
        this.stream = ch;
        if (cancelled) {
            ch.close();
            return;
        }
        callbacks.onUpstreamReady(this);
    }

    void fail(UpstreamCallbacks.Failure failure, Throwable cause) {
        if (cancelled || finished) {
            return;
        }
        finished = true;
        callbacks.onUpstreamFailure(this, failure, cause);
    }

    ChannelInboundHandlerAdapter handler() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                onRead(msg);
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable() && !cancelled && !finished) {
                    callbacks.onUpstreamWritable(H2Attempt.this);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (streamCounted) {
                    streamCounted = false;
                    pool.streamClosed();
                }
                fail(UpstreamCallbacks.Failure.RESET, null);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail(UpstreamCallbacks.Failure.RESET, cause);
                ctx.close();
            }
        };
    }

    private void onRead(Object msg) {
        if (cancelled || finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Http2ResetFrame reset) {
            fail(reset.errorCode() == Http2Error.REFUSED_STREAM.code() ? UpstreamCallbacks.Failure.REFUSED_STREAM
                    : UpstreamCallbacks.Failure.RESET, null);
            stream.close();
            return;
        }
        if (msg instanceof HttpResponse head) {
            int code = head.status().code();
            if (code >= 100 && code < 200) {
                ReferenceCountUtil.release(msg);
                return;
            }
            callbacks.onUpstreamHead(this, head);
            if (msg instanceof FullHttpResponse) {
                finished = true;
            }
            return;
        }
        if (msg instanceof HttpContent c) {
            if (c instanceof LastHttpContent) {
                finished = true;
            }
            callbacks.onUpstreamContent(this, c);
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public UpstreamHost host() {
        return host;
    }

    @Override
    public void write(HttpObject msg) {
        if (stream == null || cancelled) {
            ReferenceCountUtil.release(msg);
            return;
        }
        stream.write(msg, stream.voidPromise());
    }

    @Override
    public void flush() {
        if (stream != null && !cancelled) {
            stream.flush();
        }
    }

    @Override
    public boolean isWritable() {
        return stream == null || stream.isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        if (stream != null && !cancelled) {
            stream.config().setAutoRead(reading);
        }
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (stream == null) {
            pool.removeWaiting(this);
        } else {
            // Closing an open stream sends RST_STREAM(CANCEL); a finished one just goes away.
            stream.close();
        }
    }

    @Override
    public String protocol() {
        return "HTTP/2";
    }
}
