package io.outrigger.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The tls_inspector listener filter on an EmbeddedChannel: it decides from a real ClientHello (split across
 * reads) or plaintext, hands over every byte it read, and closes a client that stays silent.
 */
class TlsInspectorHandlerTest {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

    /** What the inspector decided, and the bytes the chain then received. */
    private static final class Chain extends ChannelInboundHandlerAdapter {
        final List<String> decisions = new ArrayList<>();
        final ByteBuf received = Unpooled.buffer();

        TlsInspectorHandler.Dispatch dispatch() {
            return (ctx, transport, sni, alpn) -> {
                decisions.add(transport + " " + sni + " " + alpn);
                return true;
            };
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            received.writeBytes(b);
            b.release();
        }
    }

    /** The first flight of a real JDK TLS client offering SNI and ALPN. */
    private static byte[] clientHello(String sni, String... alpn) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE);
        if (alpn.length > 0) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        SslContext ctx = b.build();
        SSLEngine engine = ctx.newEngine(ByteBufAllocator.DEFAULT, sni, 443);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
        assertThat(r.bytesProduced()).isPositive();
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    @Test
    void aClientHelloSplitAcrossReadsSelectsTlsWithItsSniAndAlpnAndEveryByteReachesTheChain() throws Exception {
        byte[] hello = clientHello("reviews.default.svc.cluster.local", "h2", "http/1.1");
        Chain chain = new Chain();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new TlsInspectorHandler(chain.dispatch(), TIMEOUT_NANOS), chain);

        ch.writeInbound(Unpooled.wrappedBuffer(hello, 0, 7));
        assertThat(chain.decisions).as("undecided on 7 bytes").isEmpty();
        ch.writeInbound(Unpooled.wrappedBuffer(hello, 7, hello.length - 7));

        assertThat(chain.decisions).containsExactly("tls reviews.default.svc.cluster.local [h2, http/1.1]");
        assertThat(ByteBufUtilBytes.of(chain.received)).isEqualTo(hello);
        assertThat(ch.pipeline().get(TlsInspectorHandler.class)).as("removed once decided").isNull();
        chain.received.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void plaintextIsRawBufferAndIsHandedOverUntouched() {
        byte[] get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        Chain chain = new Chain();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new TlsInspectorHandler(chain.dispatch(), TIMEOUT_NANOS), chain);

        ch.writeInbound(Unpooled.wrappedBuffer(get));

        assertThat(chain.decisions).containsExactly("raw_buffer null []");
        assertThat(ByteBufUtilBytes.of(chain.received)).isEqualTo(get);
        chain.received.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatSendsNothingIsClosedAfterTheListenerFilterTimeout() {
        Chain chain = new Chain();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new TlsInspectorHandler(chain.dispatch(), TIMEOUT_NANOS), chain);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03}));

        ch.advanceTimeBy(14, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();

        assertThat(ch.isOpen()).isFalse();
        assertThat(chain.decisions).isEmpty();
        chain.received.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void whenNoChainMatchesTheConnectionIsClosedAndTheBytesReleased() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new TlsInspectorHandler((ctx, t, sni, alpn) -> false, TIMEOUT_NANOS));
        ch.writeInbound(Unpooled.wrappedBuffer(clientHello("x.example")));
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    /** The readable bytes of a buffer, without consuming them. */
    private static final class ByteBufUtilBytes {
        static byte[] of(ByteBuf b) {
            return io.netty.buffer.ByteBufUtil.getBytes(b);
        }
    }
}
