package io.outrigger.tls.context;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.outrigger.tls.metrics.Side;
import io.outrigger.tls.verify.FailureReason;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Sits right after the {@link SslHandler}. When the handshake completes it publishes the connection's
 * {@link TlsConnectionInfo} as {@link TlsConnectionInfo#ATTR}, reports success or the
 * {@link FailureReason} to {@link io.outrigger.tls.metrics.TlsMetrics}, and schedules a
 * {@link CertificateExpiringEvent} on the channel's event loop {@link TlsOptions#expiryWarning()} before the
 * first certificate of the connection expires. One instance per channel; it passes every event on.
 */
public final class TlsHandshakeObserver extends ChannelInboundHandlerAdapter {
    private final Side side;
    private final TlsOptions options;
    private final X509Certificate localCertificate;
    private ScheduledFuture<?> expiryTimer;

    /**
     * @param localCertificate the leaf we present, used when the provider does not report it; may be null
     */
    public TlsHandshakeObserver(Side side, TlsOptions options, X509Certificate localCertificate) {
        this.side = Objects.requireNonNull(side, "side");
        this.options = Objects.requireNonNull(options, "options");
        this.localCertificate = localCertificate;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                TlsConnectionInfo info = TlsConnectionInfo.of(ssl, localCertificate);
                ctx.channel().attr(TlsConnectionInfo.ATTR).set(info);
                options.metrics().handshakeSucceeded(side);
                info.expiresAt().ifPresent(at -> scheduleExpiry(ctx, info, at));
            } else {
                options.metrics().handshakeFailed(side, HandshakeFailures.classify(done.cause(), side));
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void scheduleExpiry(ChannelHandlerContext ctx, TlsConnectionInfo info, Instant expiresAt) {
        Instant warnAt = expiresAt.minus(options.expiryWarning());
        long delayMillis = Math.max(0, Duration.between(options.clock().instant(), warnAt).toMillis());
        CertificateExpiringEvent event = new CertificateExpiringEvent(info, expiresAt);
        expiryTimer = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                ctx.fireUserEventTriggered(event);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void cancelTimer() {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
    }
}
