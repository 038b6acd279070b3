package io.outrigger.tls.hello;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the ClientHello at the start of a connection without consuming anything: pure parsing, no I/O, no
 * identity. The caller accumulates what it has read so far and calls {@link #inspect} again while the answer
 * is {@link ClientHello.Status#NEED_MORE}. Handles a ClientHello split across reads and across several TLS
 * records, TLS 1.2 and 1.3 hellos, GREASE values (RFC 8701), and no SNI. Lengths are checked before anything
 * is buffered: a record over 2^14 bytes or a ClientHello over the configured maximum is
 * {@link ClientHello.Status#INVALID}. Thread-safe (stateless).
 */
public final class ClientHelloInspector {
    /** Envoy's {@code tls_inspector} maximum ClientHello size. */
    public static final int DEFAULT_MAX_CLIENT_HELLO = 64 * 1024;
    /** RFC 8446 5.1: a plaintext record fragment is at most 2^14 bytes. */
    static final int MAX_RECORD = 1 << 14;
    static final int RECORD_HEADER = 5;
    static final int CONTENT_HANDSHAKE = 22;
    static final int HANDSHAKE_CLIENT_HELLO = 1;
    static final int EXT_SERVER_NAME = 0;
    static final int EXT_ALPN = 16;
    static final int EXT_SUPPORTED_VERSIONS = 43;

    private final int maxClientHello;

    /** An inspector accepting ClientHellos up to {@link #DEFAULT_MAX_CLIENT_HELLO}. */
    public ClientHelloInspector() {
        this(DEFAULT_MAX_CLIENT_HELLO);
    }

    /** An inspector accepting ClientHellos (the handshake message) up to {@code maxClientHello} bytes. */
    public ClientHelloInspector(int maxClientHello) {
        if (maxClientHello < 64 || maxClientHello > (1 << 24) - 1) {
            throw new IllegalArgumentException("maxClientHello: " + maxClientHello + " (expected: 64 to 16777215)");
        }
        this.maxClientHello = maxClientHello;
    }

    /** Inspects the readable bytes of {@code buf}; its indexes are not changed. */
    public ClientHello inspect(ByteBuf buf) {
        Objects.requireNonNull(buf, "buf");
        return inspect(new Bytes.OfByteBuf(buf, buf.readerIndex(), buf.readableBytes()));
    }

    /** Inspects {@code length} bytes of {@code data} from {@code offset}. */
    public ClientHello inspect(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        return inspect(new Bytes.OfArray(data, offset, length));
    }

    private ClientHello inspect(Bytes in) {
        int n = in.length();
        if (n == 0) {
            return ClientHello.NEED_MORE;
        }
        if (in.u8(0) != CONTENT_HANDSHAKE) {
            return ClientHello.notTls("first byte 0x" + Integer.toHexString(in.u8(0)) + " is not a TLS handshake record");
        }
        if (n >= 2 && in.u8(1) != 3) {
            return ClientHello.notTls("record version major " + in.u8(1) + " is not 3");
        }
        // Reassemble the handshake message from as many records as it spans.
        byte[] msg = null;
        int msgLength = -1;
        int filled = 0;
        int pos = 0;
        while (true) {
            if (n - pos < RECORD_HEADER) {
                return ClientHello.NEED_MORE;
            }
            int type = in.u8(pos);
            int recordLength = in.u16(pos + 3);
            if (type != CONTENT_HANDSHAKE) {
                return ClientHello.invalid("record of type " + type + " inside the ClientHello");
            }
            if (in.u8(pos + 1) != 3) {
                return ClientHello.invalid("record version major " + in.u8(pos + 1) + " is not 3");
            }
            if (recordLength == 0 || recordLength > MAX_RECORD) {
                return ClientHello.invalid("record length " + recordLength + " (expected: 1 to " + MAX_RECORD + ")");
            }
            int start = pos + RECORD_HEADER;
            int available = Math.min(recordLength, n - start);
            if (msg == null) {
                // A 4-byte handshake header split across records is legal but no real client sends one;
                // rejecting it keeps the reassembly simple.
                if (available < 4) {
                    return available == recordLength
                            ? ClientHello.invalid("handshake header split across records")
                            : ClientHello.NEED_MORE;
                }
                if (in.u8(start) != HANDSHAKE_CLIENT_HELLO) {
                    return ClientHello.notTls("handshake message type " + in.u8(start) + " is not ClientHello");
                }
                msgLength = in.u24(start + 1);
                if (msgLength > maxClientHello) {
                    return ClientHello.invalid("ClientHello of " + msgLength + " bytes exceeds the maximum of "
                            + maxClientHello);
                }
                msg = new byte[msgLength];
                int take = Math.min(msgLength, available - 4);
                in.copy(start + 4, msg, 0, take);
                filled = take;
            } else {
                int take = Math.min(msgLength - filled, available);
                in.copy(start, msg, filled, take);
                filled += take;
            }
            if (filled == msgLength) {
                int end = start + Math.min(recordLength, available);
                return parse(msg, end);
            }
            if (available < recordLength) {
                return ClientHello.NEED_MORE;
            }
            pos = start + recordLength;
        }
    }

    /** Parses the body of a ClientHello (RFC 8446 4.1.2; RFC 5246 7.4.1.2). */
    private static ClientHello parse(byte[] m, int totalBytes) {
        Reader r = new Reader(m);
        try {
            int legacyVersion = r.u16();
            r.skip(32); // random
            int sessionId = r.u8();
            if (sessionId > 32) {
                return ClientHello.invalid("session id of " + sessionId + " bytes (expected: at most 32)");
            }
            r.skip(sessionId);
            int suites = r.u16();
            if (suites < 2 || suites % 2 != 0) {
                return ClientHello.invalid("cipher suites length " + suites + " (expected: even, at least 2)");
            }
            r.skip(suites);
            int compression = r.u8();
            if (compression < 1) {
                return ClientHello.invalid("no compression method");
            }
            r.skip(compression);
            String sni = null;
            List<String> alpn = List.of();
            List<Integer> versions = List.of();
            if (r.remaining() > 0) {
                int extEnd = r.u16() + r.pos;
                if (extEnd != m.length) {
                    return ClientHello.invalid("extensions length does not match the ClientHello length");
                }
                Set<Integer> seen = new HashSet<>();
                while (r.pos < extEnd) {
                    int type = r.u16();
                    int len = r.u16();
                    if (!seen.add(type)) {
                        return ClientHello.invalid("extension " + type + " appears twice");
                    }
                    Reader ext = r.slice(len);
                    switch (type) {
                        case EXT_SERVER_NAME -> sni = serverName(ext);
                        case EXT_ALPN -> alpn = alpn(ext);
                        case EXT_SUPPORTED_VERSIONS -> versions = supportedVersions(ext);
                        default -> {
                            // Other extensions, GREASE ones included, are not needed for routing.
                        }
                    }
                }
            } else if (r.pos != m.length) {
                return ClientHello.invalid("trailing bytes after the ClientHello");
            }
            return new ClientHello(ClientHello.Status.TLS, sni, alpn, versions, legacyVersion, totalBytes, "");
        } catch (Malformed e) {
            return ClientHello.invalid(e.getMessage());
        }
    }

    private static String serverName(Reader ext) {
        Reader list = ext.slice(ext.u16());
        ext.end("server_name");
        String host = null;
        while (list.remaining() > 0) {
            int nameType = list.u8();
            int len = list.u16();
            Reader name = list.slice(len);
            if (nameType != 0) {
                continue; // only host_name (0) is defined
            }
            if (host != null) {
                throw new Malformed("server_name has two host names");
            }
            if (len == 0) {
                throw new Malformed("server_name host name is empty");
            }
            byte[] b = name.bytes();
            for (byte c : b) {
                if (c <= 0x20 || c >= 0x7f) {
                    throw new Malformed("server_name host name has a non-printable or non-ASCII byte");
                }
            }
            host = new String(b, StandardCharsets.US_ASCII);
        }
        return host;
    }

    private static List<String> alpn(Reader ext) {
        Reader list = ext.slice(ext.u16());
        ext.end("application_layer_protocol_negotiation");
        List<String> out = new ArrayList<>(4);
        while (list.remaining() > 0) {
            int len = list.u8();
            if (len == 0) {
                throw new Malformed("ALPN protocol name is empty");
            }
            byte[] b = list.slice(len).bytes();
            if (len == 2 && isGrease(((b[0] & 0xff) << 8) | (b[1] & 0xff))) {
                continue;
            }
            out.add(new String(b, StandardCharsets.ISO_8859_1));
        }
        if (out.isEmpty() && list.length() == 0) {
            throw new Malformed("ALPN extension with an empty protocol list");
        }
        return out;
    }

    private static List<Integer> supportedVersions(Reader ext) {
        int len = ext.u8();
        if (len < 2 || len % 2 != 0) {
            throw new Malformed("supported_versions length " + len + " (expected: even, at least 2)");
        }
        Reader list = ext.slice(len);
        ext.end("supported_versions");
        List<Integer> out = new ArrayList<>(len / 2);
        while (list.remaining() > 0) {
            int v = list.u16();
            if (!isGrease(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** RFC 8701: GREASE values are 0x0A0A, 0x1A1A, ... 0xFAFA. */
    static boolean isGrease(int v) {
        return (v & 0x0f0f) == 0x0a0a && ((v >> 8) & 0xff) == (v & 0xff);
    }

    /** A structural error in the ClientHello. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** A bounds-checked cursor over part of the ClientHello body. */
    private static final class Reader {
        private final byte[] b;
        private final int end;
        private final int start;
        int pos;

        Reader(byte[] b) {
            this(b, 0, b.length);
        }

        Reader(byte[] b, int start, int end) {
            this.b = b;
            this.start = start;
            this.pos = start;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        int length() {
            return end - start;
        }

        private void need(int k) {
            if (end - pos < k) {
                throw new Malformed("ClientHello truncated: needs " + k + " more bytes at offset " + pos
                        + ", has " + (end - pos));
            }
        }

        int u8() {
            need(1);
            return b[pos++] & 0xff;
        }

        int u16() {
            need(2);
            int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        void skip(int k) {
            need(k);
            pos += k;
        }

        Reader slice(int k) {
            need(k);
            Reader s = new Reader(b, pos, pos + k);
            pos += k;
            return s;
        }

        byte[] bytes() {
            byte[] out = java.util.Arrays.copyOfRange(b, pos, end);
            pos = end;
            return out;
        }

        void end(String what) {
            if (pos != end) {
                throw new Malformed(what + " extension has " + (end - pos) + " trailing bytes");
            }
        }
    }
}
