package io.outrigger.tls.hello;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** ClientHello fixtures: real ones captured from a client handshake, and hand-made ones. */
final class HelloBytes {
    private HelloBytes() {
    }

    /**
     * The first flight of a real client: a Netty client engine on an EmbeddedChannel starts its handshake on
     * activation and writes its ClientHello outbound, where we take it.
     */
    static byte[] realClientHello(SslProvider provider, String sni, List<String> alpn, String... protocols)
            throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).protocols(protocols);
        if (!alpn.isEmpty()) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        SslContext ctx = b.build();
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            ch.pipeline().addLast(sni == null ? ctx.newHandler(ByteBufAllocator.DEFAULT)
                    : ctx.newHandler(ByteBufAllocator.DEFAULT, sni, 443));
            ch.runPendingTasks();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuf buf;
            while ((buf = ch.readOutbound()) != null) {
                try {
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.readBytes(bytes);
                    out.write(bytes);
                } finally {
                    buf.release();
                }
            }
            return out.toByteArray();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Re-frames one handshake message into records of at most {@code recordSize} bytes. */
    static byte[] reframe(byte[] singleRecordHello, int recordSize) {
        int len = ((singleRecordHello[3] & 0xff) << 8) | (singleRecordHello[4] & 0xff);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < len; off += recordSize) {
            int n = Math.min(recordSize, len - off);
            out.write(22);
            out.write(singleRecordHello[1]);
            out.write(singleRecordHello[2]);
            out.write(n >> 8);
            out.write(n & 0xff);
            out.write(singleRecordHello, 5 + off, n);
        }
        return out.toByteArray();
    }

    /** Builds a ClientHello by hand, for GREASE and malformed cases. */
    static final class Builder {
        private int legacyVersion = 0x0303;
        private int sessionIdLength = 32;
        private final ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        private boolean noExtensions;

        Builder sessionIdLength(int n) {
            sessionIdLength = n;
            return this;
        }

        Builder noExtensions() {
            noExtensions = true;
            return this;
        }

        Builder extension(int type, byte[] data) {
            u16(extensions, type);
            u16(extensions, data.length);
            extensions.writeBytes(data);
            return this;
        }

        Builder sni(String host) {
            byte[] h = host.getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            u16(e, h.length + 3);
            e.write(0);
            u16(e, h.length);
            e.writeBytes(h);
            return extension(0, e.toByteArray());
        }

        Builder alpn(byte[]... protocols) {
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            for (byte[] p : protocols) {
                list.write(p.length);
                list.writeBytes(p);
            }
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            u16(e, list.size());
            e.writeBytes(list.toByteArray());
            return extension(16, e.toByteArray());
        }

        Builder supportedVersions(int... versions) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            e.write(versions.length * 2);
            for (int v : versions) {
                u16(e, v);
            }
            return extension(43, e.toByteArray());
        }

        /** The handshake message (type, 24-bit length, body). */
        byte[] message() {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            u16(body, legacyVersion);
            body.writeBytes(new byte[32]);
            body.write(sessionIdLength);
            body.writeBytes(new byte[Math.min(sessionIdLength, 64)]);
            u16(body, 4);
            u16(body, 0x0a0a); // GREASE cipher suite
            u16(body, 0x1301);
            body.write(1);
            body.write(0);
            if (!noExtensions) {
                u16(body, extensions.size());
                body.writeBytes(extensions.toByteArray());
            }
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            msg.write(1);
            msg.write(body.size() >> 16);
            msg.write((body.size() >> 8) & 0xff);
            msg.write(body.size() & 0xff);
            msg.writeBytes(body.toByteArray());
            return msg.toByteArray();
        }

        /** The message in one record. */
        byte[] record() {
            byte[] m = message();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(22);
            u16(out, 0x0301);
            u16(out, m.length);
            out.writeBytes(m);
            return out.toByteArray();
        }

        private static void u16(ByteArrayOutputStream o, int v) {
            o.write((v >> 8) & 0xff);
            o.write(v & 0xff);
        }
    }
}
