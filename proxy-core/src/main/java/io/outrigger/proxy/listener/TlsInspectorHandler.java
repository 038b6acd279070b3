package io.outrigger.proxy.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.outrigger.tls.hello.ClientHello;
import io.outrigger.tls.hello.ClientHelloInspector;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's {@code envoy.filters.listener.tls_inspector}: reads the first bytes of a connection, without
 * consuming them, until they are known to be a TLS ClientHello (transport "tls", with its SNI and ALPN) or
 * not TLS ("raw_buffer"); then hands the connection and the bytes read to the filter chain chosen from
 * that. A client that sends nothing for {@code timeout} is closed, as with Envoy's
 * {@code listener_filters_timeout}; a ClientHello too large or malformed closes the connection.
 *
 * <p>Buffers: bytes read are accumulated in one buffer owned by this handler, released on close, or passed
 * down the pipeline (ownership with them) once the chain is installed.
 */
final class TlsInspectorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsInspectorHandler.class);
    private static final ClientHelloInspector INSPECTOR = new ClientHelloInspector();

    /** Installs the chain for what the inspector found; called on the event loop, bytes not yet delivered. */
    interface Dispatch {
        /** @return false when no chain matches (the connection is then closed) */
        boolean dispatch(ChannelHandlerContext ctx, String transportProtocol, String serverName, List<String> alpn);
    }

    private final Dispatch dispatch;
    private final long timeoutNanos;
    private ByteBuf buffered;
    private ScheduledFuture<?> timer;
    private boolean done;

    TlsInspectorHandler(Dispatch dispatch, long timeoutNanos) {
        this.dispatch = Objects.requireNonNull(dispatch, "dispatch");
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            begin(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        begin(ctx);
        ctx.fireChannelActive();
    }

    private void begin(ChannelHandlerContext ctx) {
        if (timer != null) {
            return;
        }
        timer = ctx.executor().schedule(() -> {
            if (!done) {
                LOG.debug("{}: no ClientHello within the listener filter timeout, closing", ctx.channel());
                finish();
                ctx.close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (buffered == null) {
            buffered = in;
        } else {
            ByteBuf grown = ctx.alloc().buffer(buffered.readableBytes() + in.readableBytes());
            grown.writeBytes(buffered).writeBytes(in);
            buffered.release();
            in.release();
            buffered = grown;
        }
        ClientHello hello = INSPECTOR.inspect(buffered);
        switch (hello.status()) {
            case NEED_MORE -> ctx.read();
            case TLS -> hand(ctx, "tls", hello.serverName(), hello.alpn());
            case NOT_TLS -> hand(ctx, FilterChainSelector.RAW_BUFFER, null, List.of());
            case INVALID -> {
                LOG.debug("{}: invalid ClientHello ({}), closing", ctx.channel(), hello.reason());
                finish();
                ctx.close();
            }
        }
    }

    private void hand(ChannelHandlerContext ctx, String transport, String sni, List<String> alpn) {
        ByteBuf bytes = buffered;
        buffered = null;
        finish();
        if (!dispatch.dispatch(ctx, transport, sni, alpn)) {
            bytes.release();
            ctx.close();
            return;
        }
        // The chain's handlers follow this one: they see the bytes as if they had just been read.
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(bytes);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !done) {
            // The client ended the stream before a decision: nothing to proxy.
            finish();
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: error while inspecting: {}", ctx.channel(), cause.toString());
        finish();
        ctx.close();
    }

    private void finish() {
        done = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
    }
}
