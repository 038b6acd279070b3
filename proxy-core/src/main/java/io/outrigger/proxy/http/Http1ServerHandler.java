package io.outrigger.proxy.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 side of a downstream connection: one {@link Exchange} at a time, in order. Requests
 * a client pipelines are held (and reading paused) until the one before has been answered, so
 * responses go out in request order. A malformed request gets 400, oversized headers 431, and the
 * connection is closed; a client too slow to send its request in {@code request_headers_timeout}
 * (or {@code request_timeout}) gets 408 and is closed.
 */
final class Http1ServerHandler extends ChannelInboundHandlerAdapter implements Downstream {
    private final HttpChain chain;
    private ChannelHandlerContext ctx;
    private Exchange current;
    private boolean requestEnded;
    private boolean responseDone;
    private boolean keepAlive = true;
    private boolean closing;
    private HttpVersion version = HttpVersion.HTTP_1_1;
    private final ArrayDeque<Object> queued = new ArrayDeque<>(2);
    private ScheduledFuture<?> headersTimer;
    private ScheduledFuture<?> requestTimer;

    Http1ServerHandler(HttpChain chain) {
        this.chain = chain;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Goes before the codec: the headers timer starts with the first byte of a request, as Envoy's
     * {@code request_headers_timeout} does (an idle keep-alive connection is not a slow request).
     */
    ChannelInboundHandlerAdapter firstByteWatch() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (current == null && !closing) {
                    armHeadersTimer();
                }
                c.fireChannelRead(msg);
            }
        };
    }

    private void armHeadersTimer() {
        if (headersTimer != null) {
            return;
        }
        long nanos = headerDeadlineNanos();
        if (nanos > 0) {
            headersTimer = ctx.executor().schedule(() -> timeout(true), nanos, TimeUnit.NANOSECONDS);
        }
    }

    private long headerDeadlineNanos() {
        long h = chain.spec().limits().requestHeadersTimeout().toNanos();
        long r = chain.spec().limits().requestTimeout().toNanos();
        if (h > 0 && r > 0) {
            return Math.min(h, r);
        }
        return Math.max(h, r);
    }

    /** A slow client: 408 and close when no response has started, else just close. */
    private void timeout(boolean headers) {
        if (headers) {
            headersTimer = null;
            if (current != null) {
                return;
            }
            chain.stats().downstreamRqHeadersTimeout().increment();
        } else {
            requestTimer = null;
            if (current == null || requestEnded) {
                return;
            }
            chain.stats().downstreamRqTimeout().increment();
        }
        Exchange e = current;
        if (e != null && e.responseStarted()) {
            closing = true;
            ctx.close();
            return;
        }
        rejectAndClose(408, "request timeout");
        if (e != null) {
            e.onDownstreamClosed();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current != null && requestEnded) {
            // A pipelined request: hold it until the current response is out.
            queued.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest req) {
            if (current != null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            cancelTimer(headersTimer);
            headersTimer = null;
            if (req.decoderResult().isFailure()) {
                Throwable cause = req.decoderResult().cause();
                ReferenceCountUtil.release(msg);
                chain.stats().downstreamCxProtocolError().increment();
                if (cause instanceof TooLongHttpHeaderException) {
                    rejectAndClose(431, "Request Header Fields Too Large");
                } else if (cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException) {
                    rejectAndClose(414, "URI Too Long");
                } else {
                    rejectAndClose(400, "Bad Request");
                }
                return;
            }
            if (req.headers().size() > chain.spec().limits().maxHeadersCount()) {
                ReferenceCountUtil.release(msg);
                rejectAndClose(431, "Request Header Fields Too Large");
                return;
            }
            version = req.protocolVersion();
            keepAlive = HttpUtil.isKeepAlive(req);
            requestEnded = false;
            responseDone = false;
            current = new Exchange(chain, this);
            long r = chain.spec().limits().requestTimeout().toNanos();
            if (r > 0) {
                requestTimer = ctx.executor().schedule(() -> timeout(false), r, TimeUnit.NANOSECONDS);
            }
            if (msg instanceof FullHttpRequest full) {
                HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
                LastHttpContent last = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
                requestEnded = true;
                current.onHead(head);
                current.onContent(last);
            } else {
                current.onHead(req);
            }
            maybeNext();
            return;
        }
        if (msg instanceof HttpContent c) {
            if (current == null) {
                c.release();
                return;
            }
            Exchange e = current;
            if (c instanceof LastHttpContent) {
                requestEnded = true;
                cancelTimer(requestTimer);
                requestTimer = null;
            }
            e.onContent(c);
            maybeNext();
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    private void rejectAndClose(int status, String body) {
        closing = true;
        FullHttpResponse r = LocalReplies.reply(ctx.alloc(), status, body, false);
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        r.headers().set(HttpHeaderNames.SERVER, chain.spec().serverName());
        chain.stats().responseCode(status);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    /** When both the request has been read and the response written, the next request may start. */
    private void maybeNext() {
        if (current == null || !requestEnded || !responseDone) {
            return;
        }
        current = null;
        if (!keepAlive || closing) {
            closing = true;
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            releaseQueued();
            return;
        }
        while (!queued.isEmpty() && (current == null || !requestEnded)) {
            dispatch(queued.poll());
        }
        if (queued.isEmpty() && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void releaseQueued() {
        Object o;
        while ((o = queued.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && current != null) {
            current.onDownstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer(headersTimer);
        cancelTimer(requestTimer);
        releaseQueued();
        if (current != null) {
            Exchange e = current;
            current = null;
            e.onDownstreamClosed();
        }
        chain.stats().downstreamCxActive().decrement();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private static void cancelTimer(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ---- Downstream ----

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public String protocol() {
        return version == HttpVersion.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1";
    }

    @Override
    public boolean http2() {
        return false;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }

    @Override
    public InetSocketAddress originalDestination() {
        return ctx.channel().attr(HttpInstaller.ORIGINAL_DESTINATION).get();
    }

    @Override
    public void write(HttpObject msg) {
        if (msg instanceof HttpResponse r) {
            if (!(msg instanceof FullHttpResponse) && !HttpUtil.isContentLengthSet(r) && bodyAllowed(r)) {
                HttpUtil.setTransferEncodingChunked(r, true);
            }
            if (!keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        }
        ctx.write(msg, ctx.voidPromise());
    }

    private static boolean bodyAllowed(HttpResponse r) {
        int code = r.status().code();
        return code >= 200 && code != 204 && code != 304;
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        if (queued.isEmpty() && !closing) {
            ctx.channel().config().setAutoRead(reading);
        }
    }

    @Override
    public void reset() {
        closing = true;
        ctx.close();
    }

    @Override
    public void responseComplete(Exchange exchange, boolean close) {
        if (exchange != current) {
            return;
        }
        if (close) {
            closing = true;
            ctx.flush();
            ctx.close();
            return;
        }
        responseDone = true;
        maybeNext();
    }

    Channel channel() {
        return ctx.channel();
    }
}
