package io.outrigger.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.util.Arrays;

/**
 * Where the backend's response bodies come from: slices of one read-only block for the usual sizes,
 * so answering allocates no body; bigger bodies are allocated and filled.
 */
final class ResponseBodies {

    private static final int BLOCK = 1 << 20;
    private static final ByteBuf SOURCE;

    static {
        byte[] b = new byte[BLOCK];
        Arrays.fill(b, (byte) 'x');
        // Heap-wrapped and unreleasable: not tracked by the leak detector, and slices never free it.
        SOURCE = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(b));
    }

    private final int defaultBytes;

    ResponseBodies(int defaultBytes) {
        if (defaultBytes < 0) {
            throw new IllegalArgumentException("responseBytes: " + defaultBytes + " (expected: >= 0)");
        }
        this.defaultBytes = defaultBytes;
    }

    /** Echo the request body's length; else {@code ?size=N} from the path; else the default. */
    int sizeFor(String uri, int requestBodyBytes) {
        if (requestBodyBytes > 0) {
            return requestBodyBytes;
        }
        int q = uri.indexOf("size=");
        if (q >= 0 && (q == 0 || uri.charAt(q - 1) == '?' || uri.charAt(q - 1) == '&')) {
            int end = q + 5;
            while (end < uri.length() && Character.isDigit(uri.charAt(end))) {
                end++;
            }
            if (end > q + 5 && end - q - 5 <= 9) {
                return Math.min(LoadSpec.MAX_PAYLOAD, Integer.parseInt(uri, q + 5, end, 10));
            }
        }
        return defaultBytes;
    }

    /** A body of {@code size} bytes; the caller owns it (writing it releases it). */
    ByteBuf body(ByteBufAllocator alloc, int size) {
        if (size <= BLOCK) {
            return SOURCE.slice(0, size);
        }
        ByteBuf b = alloc.buffer(size);
        b.writeZero(size);
        return b;
    }
}
