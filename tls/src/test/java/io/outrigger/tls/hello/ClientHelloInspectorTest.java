package io.outrigger.tls.hello;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslProvider;
import io.outrigger.tls.hello.ClientHello.Status;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClientHelloInspectorTest {
    private static final String ISTIO_SNI = "outbound_.9080_._.reviews.default.svc.cluster.local";
    private final ClientHelloInspector inspector = new ClientHelloInspector();

    private ClientHello inspect(byte[] b) {
        return inspector.inspect(b, 0, b.length);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void realTls13ClientHelloYieldsSniAlpnAndVersions(SslProvider provider) throws Exception {
        byte[] hello = HelloBytes.realClientHello(provider, "reviews.default.svc.cluster.local", List.of("h2", "http/1.1"),
                "TLSv1.3", "TLSv1.2");
        ClientHello h = inspect(hello);
        assertThat(h.status()).isEqualTo(Status.TLS);
        assertThat(h.serverName()).isEqualTo("reviews.default.svc.cluster.local");
        assertThat(h.alpn()).containsExactly("h2", "http/1.1");
        assertThat(h.offersTls13()).isTrue();
        assertThat(h.supportedVersions()).contains(0x0304, 0x0303);
        assertThat(h.legacyVersion()).isEqualTo(0x0303);
        assertThat(h.bytes()).isEqualTo(hello.length);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void realTls12OnlyClientHelloDoesNotOfferTls13(SslProvider provider) throws Exception {
        ClientHello h = inspect(HelloBytes.realClientHello(provider, "legacy.example.com", List.of(), "TLSv1.2"));
        assertThat(h.status()).isEqualTo(Status.TLS);
        assertThat(h.serverName()).isEqualTo("legacy.example.com");
        assertThat(h.alpn()).isEmpty();
        assertThat(h.offersTls13()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void clientHelloWithoutSniHasNoServerName(SslProvider provider) throws Exception {
        ClientHello h = inspect(HelloBytes.realClientHello(provider, null, List.of("istio"), "TLSv1.3"));
        assertThat(h.status()).isEqualTo(Status.TLS);
        assertThat(h.serverName()).isNull();
        assertThat(h.alpn()).containsExactly("istio");
    }

    @Test
    void everyPrefixOfAClientHelloNeedsMoreAndTheWholeIsTls() throws Exception {
        byte[] hello = HelloBytes.realClientHello(SslProvider.OPENSSL, "a.example.com", List.of("h2"), "TLSv1.3");
        for (int k = 0; k < hello.length; k++) {
            assertThat(inspector.inspect(hello, 0, k).status()).as("prefix of %d bytes", k).isEqualTo(Status.NEED_MORE);
        }
        assertThat(inspect(hello).serverName()).isEqualTo("a.example.com");
    }

    @Test
    void clientHelloSpreadOverSeveralRecordsIsReassembled() throws Exception {
        byte[] hello = HelloBytes.realClientHello(SslProvider.OPENSSL, "split.example.com", List.of("h2"), "TLSv1.3");
        byte[] split = HelloBytes.reframe(hello, 64);
        assertThat(split.length).isGreaterThan(hello.length);
        for (int k = 0; k < split.length; k++) {
            assertThat(inspector.inspect(split, 0, k).status()).as("prefix of %d bytes", k).isEqualTo(Status.NEED_MORE);
        }
        ClientHello h = inspect(split);
        assertThat(h.status()).isEqualTo(Status.TLS);
        assertThat(h.serverName()).isEqualTo("split.example.com");
        assertThat(h.alpn()).containsExactly("h2");
        assertThat(h.bytes()).isEqualTo(split.length);
    }

    @Test
    void byteBufIsInspectedWithoutBeingConsumed() throws Exception {
        byte[] hello = HelloBytes.realClientHello(SslProvider.JDK, "buf.example.com", List.of(), "TLSv1.3");
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeBytes(new byte[] {9, 9, 9});
            buf.readerIndex(3);
            buf.writeBytes(hello);
            ClientHello h = inspector.inspect(buf);
            assertThat(h.serverName()).isEqualTo("buf.example.com");
            assertThat(buf.readerIndex()).isEqualTo(3);
            assertThat(buf.readableBytes()).isEqualTo(hello.length);
        } finally {
            buf.release();
        }
    }

    @Test
    void istioSniWithUnderscoresIsReportedAsSent() {
        ClientHello h = inspect(new HelloBytes.Builder().sni(ISTIO_SNI).alpn(bytes("istio-peer-exchange"), bytes("istio"))
                .record());
        assertThat(h.serverName()).isEqualTo(ISTIO_SNI);
        assertThat(h.alpn()).containsExactly("istio-peer-exchange", "istio");
    }

    @Test
    void greaseValuesAreIgnored() {
        byte[] hello = new HelloBytes.Builder()
                .extension(0x1a1a, new byte[0])
                .sni("grease.example.com")
                .alpn(new byte[] {0x2a, 0x2a}, bytes("h2"))
                .supportedVersions(0x3a3a, 0x0304, 0x0303)
                .extension(0xfafa, new byte[] {0})
                .record();
        ClientHello h = inspect(hello);
        assertThat(h.status()).isEqualTo(Status.TLS);
        assertThat(h.serverName()).isEqualTo("grease.example.com");
        assertThat(h.alpn()).containsExactly("h2");
        assertThat(h.supportedVersions()).containsExactly(0x0304, 0x0303);
    }

    @Test
    void greaseValuesFollowRfc8701() {
        assertThat(ClientHelloInspector.isGrease(0x0a0a)).isTrue();
        assertThat(ClientHelloInspector.isGrease(0xeaea)).isTrue();
        assertThat(ClientHelloInspector.isGrease(0x0a1a)).isFalse();
        assertThat(ClientHelloInspector.isGrease(0x0304)).isFalse();
    }

    @Test
    void helloWithoutExtensionsIsTlsWithoutSni() {
        ClientHello h = inspect(new HelloBytes.Builder().noExtensions().record());
        assertThat(h.status()).isEqualTo(Status.TLS);
        assertThat(h.serverName()).isNull();
        assertThat(h.supportedVersions()).isEmpty();
    }

    @Test
    void plaintextIsNotTlsFromTheFirstByte() {
        assertThat(inspect(bytes("G")).status()).isEqualTo(Status.NOT_TLS);
        ClientHello h = inspect(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertThat(h.status()).isEqualTo(Status.NOT_TLS);
        assertThat(h.reason()).contains("not a TLS handshake record");
    }

    @Test
    void emptyInputAndAHandshakeByteAloneNeedMore() {
        assertThat(inspect(new byte[0]).status()).isEqualTo(Status.NEED_MORE);
        assertThat(inspect(new byte[] {22}).status()).isEqualTo(Status.NEED_MORE);
        assertThat(inspect(new byte[] {22, 3, 1}).status()).isEqualTo(Status.NEED_MORE);
    }

    @Test
    void sslv2CompatibleHelloAndWrongMajorVersionAreNotTls() {
        assertThat(inspect(new byte[] {(byte) 0x80, 0x2e, 0x01, 0x03, 0x01}).status()).isEqualTo(Status.NOT_TLS);
        assertThat(inspect(new byte[] {22, 2, 0}).status()).isEqualTo(Status.NOT_TLS);
    }

    @Test
    void alertOrServerHelloFirstIsNotAClientHello() {
        assertThat(inspect(new byte[] {21, 3, 3, 0, 2, 2, 40}).status()).isEqualTo(Status.NOT_TLS);
        ClientHello serverHello = inspect(new byte[] {22, 3, 3, 0, 4, 2, 0, 0, 0});
        assertThat(serverHello.status()).isEqualTo(Status.NOT_TLS);
        assertThat(serverHello.reason()).contains("not ClientHello");
    }

    @Test
    void recordLongerThanTwoToTheFourteenIsRejectedFromItsHeader() {
        ClientHello h = inspect(new byte[] {22, 3, 1, (byte) 0xff, (byte) 0xff});
        assertThat(h.status()).isEqualTo(Status.INVALID);
        assertThat(h.reason()).contains("record length 65535");
        assertThat(inspect(new byte[] {22, 3, 1, 0, 0}).status()).isEqualTo(Status.INVALID);
    }

    @Test
    void clientHelloLargerThanTheMaximumIsRejectedBeforeItArrives() {
        // A 16 MiB ClientHello announced in its first 9 bytes: rejected without waiting for (or buffering) it.
        ClientHello h = inspect(new byte[] {22, 3, 1, 0x40, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertThat(h.status()).isEqualTo(Status.INVALID);
        assertThat(h.reason()).contains("exceeds the maximum of 65536");
        byte[] normal = new HelloBytes.Builder().sni("x.example.com").record();
        assertThat(new ClientHelloInspector(64).inspect(normal, 0, normal.length).status()).isEqualTo(Status.INVALID);
    }

    @Test
    void malformedClientHellosAreInvalidWithTheReason() {
        assertThat(inspect(new HelloBytes.Builder().sessionIdLength(33).record()).reason())
                .contains("session id of 33 bytes");
        ClientHello dup = inspect(new HelloBytes.Builder().sni("a.example.com").sni("b.example.com").record());
        assertThat(dup.status()).isEqualTo(Status.INVALID);
        assertThat(dup.reason()).contains("extension 0 appears twice");
        ClientHello emptyVersions = inspect(new HelloBytes.Builder().extension(43, new byte[] {0}).record());
        assertThat(emptyVersions.status()).isEqualTo(Status.INVALID);
        ClientHello truncatedSni = inspect(new HelloBytes.Builder().extension(0, new byte[] {0, 10, 0, 0, 8, 'a'})
                .record());
        assertThat(truncatedSni.status()).isEqualTo(Status.INVALID);
        assertThat(truncatedSni.reason()).contains("truncated");
        ClientHello binarySni = inspect(new HelloBytes.Builder().extension(0, new byte[] {0, 4, 0, 0, 1, 0}).record());
        assertThat(binarySni.reason()).contains("non-printable");
    }

    @Test
    void nonHandshakeRecordInTheMiddleOfAClientHelloIsInvalid() throws Exception {
        byte[] hello = HelloBytes.realClientHello(SslProvider.OPENSSL, "a.example.com", List.of(), "TLSv1.3");
        byte[] split = HelloBytes.reframe(hello, 100);
        byte[] tampered = Arrays.copyOf(split, split.length);
        tampered[105] = 23; // second record header: application data
        ClientHello h = inspect(tampered);
        assertThat(h.status()).isEqualTo(Status.INVALID);
        assertThat(h.reason()).contains("record of type 23");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
