package io.outrigger.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/** Writes and reads checksummed byte streams. */
public final class Streams {
    private Streams() {
    }

    /** Bytes read and their CRC32. */
    public record Summary(long bytes, long crc) {
    }

    /** Writes {@code total} pseudo-random bytes (seeded) and returns their summary. */
    public static Summary writeRandom(OutputStream out, long total, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[64 * 1024];
        CRC32 crc = new CRC32();
        long left = total;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            for (int i = 0; i < n; i += 8) {
                long v = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    buf[i + j] = (byte) (v >>> (8 * j));
                }
            }
            out.write(buf, 0, n);
            crc.update(buf, 0, n);
            left -= n;
        }
        out.flush();
        return new Summary(total, crc.getValue());
    }

    /** Reads to EOF. */
    public static Summary readAll(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        CRC32 crc = new CRC32();
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            crc.update(buf, 0, n);
            total += n;
        }
        return new Summary(total, crc.getValue());
    }
}
