package io.outrigger.bench.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.outrigger.tls.ca.DevCa;
import io.outrigger.tls.context.ClientTlsConfig;
import io.outrigger.tls.context.ServerTlsConfig;
import io.outrigger.tls.context.SslContexts;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.identity.TrustBundles;
import io.outrigger.tls.identity.TrustDomain;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * A server and a client SslHandler on two EmbeddedChannels, wired back to back: what one side writes is fed
 * to the other. No sockets, so the benchmarks measure TLS work (and our SPIFFE verification), not the kernel.
 */
final class TlsPair implements AutoCloseable {
    final EmbeddedChannel client;
    final EmbeddedChannel server;
    final SslHandler clientSsl;
    final SslHandler serverSsl;
    long plaintextReceived;

    /** Contexts for one mesh: a dev CA, mTLS, TLS 1.3 (the default a sidecar uses). */
    record Contexts(SslContext server, SslContext client) {
        static Contexts create(SslProvider provider) throws Exception {
            DevCa ca = DevCa.create(new TrustDomain("cluster.local"), Duration.ofDays(1), Clock.systemUTC(),
                    new SecureRandom());
            var serverSvid = ca.issue(SpiffeId.istio("cluster.local", "prod", "backend"), Duration.ofHours(1), "east");
            var clientSvid = ca.issue(SpiffeId.istio("cluster.local", "prod", "frontend"), Duration.ofHours(1), "east");
            TrustBundles trust = TrustBundles.of(ca.bundle());
            return new Contexts(
                    SslContexts.server(serverSvid, trust, ServerTlsConfig.mutual("default", "ROOTCA"), provider,
                            Clock.systemUTC()),
                    SslContexts.client(clientSvid, trust, ClientTlsConfig.mutual("default", "ROOTCA"), provider,
                            Clock.systemUTC()));
        }
    }

    TlsPair(Contexts contexts) {
        server = new EmbeddedChannel();
        client = new EmbeddedChannel();
        serverSsl = contexts.server().newHandler(server.alloc());
        clientSsl = contexts.client().newHandler(client.alloc());
        server.pipeline().addLast(serverSsl, new Sink());
        client.pipeline().addLast(clientSsl, new Sink());
    }

    /** Runs the handshake to completion on both sides. */
    void handshake() {
        for (int i = 0; i < 100 && !(clientSsl.handshakeFuture().isDone() && serverSsl.handshakeFuture().isDone()); i++) {
            pump();
        }
        if (!clientSsl.handshakeFuture().isSuccess() || !serverSsl.handshakeFuture().isSuccess()) {
            throw new IllegalStateException("handshake failed: client " + clientSsl.handshakeFuture().cause()
                    + ", server " + serverSsl.handshakeFuture().cause());
        }
        pump(); // TLS 1.3 session tickets and the like
    }

    /** Moves every pending byte between the two sides until both are quiet. */
    boolean pump() {
        boolean moved = false;
        boolean again = true;
        while (again) {
            again = transfer(client, server) | transfer(server, client);
            moved |= again;
        }
        return moved;
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        boolean any = false;
        ByteBuf b;
        while ((b = from.readOutbound()) != null) {
            any = true;
            to.writeInbound(b); // ownership passes to the receiving pipeline
        }
        return any;
    }

    @Override
    public void close() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** Counts and releases decrypted bytes. */
    final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            plaintextReceived += b.readableBytes();
            b.release();
        }
    }
}
