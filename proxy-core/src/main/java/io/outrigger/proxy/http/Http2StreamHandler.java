package io.outrigger.proxy.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/** One HTTP/2 stream of a downstream connection: one {@link Exchange}. */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter implements Downstream {
    private final HttpChain chain;
    private ChannelHandlerContext ctx;
    private Exchange exchange;

    Http2StreamHandler(HttpChain chain) {
        this.chain = chain;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2ResetFrame) {
            ReferenceCountUtil.release(msg);
            if (exchange != null) {
                exchange.onDownstreamClosed();
            }
            return;
        }
        if (msg instanceof HttpRequest req) {
            if (exchange != null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            exchange = new Exchange(chain, this);
            if (msg instanceof FullHttpRequest full) {
                HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
                exchange.onHead(head);
                exchange.onContent(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            } else {
                exchange.onHead(req);
            }
            return;
        }
        if (msg instanceof HttpContent c && exchange != null) {
            exchange.onContent(c);
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && exchange != null) {
            exchange.onDownstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onDownstreamClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

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
        return "HTTP/2";
    }

    @Override
    public boolean http2() {
        return true;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) ctx.channel().parent().remoteAddress();
    }

    @Override
    public InetSocketAddress originalDestination() {
        return ctx.channel().parent().attr(HttpInstaller.ORIGINAL_DESTINATION).get();
    }

    @Override
    public void write(HttpObject msg) {
        ctx.write(msg, ctx.voidPromise());
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
        ctx.channel().config().setAutoRead(reading);
    }

    @Override
    public void reset() {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
        ctx.close();
    }

    @Override
    public void responseComplete(Exchange e, boolean close) {
        // The stream closes itself once both sides have ended.
    }
}
