package io.outrigger.lb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The published XXH64 sanity vectors of the reference implementation (xxhsum's
 * {@code BMK_sanityCheck}): a 101-byte buffer filled from PRIME32 = 2654435761 by
 * {@code buf[i] = gen >> 24; gen *= gen} (32-bit), hashed over prefixes of several lengths.
 */
class XxHash64Test {
    private static final long PRIME32 = 2654435761L;

    private static byte[] sanityBuffer() {
        byte[] buf = new byte[101];
        int gen = (int) PRIME32;
        for (int i = 0; i < buf.length; i++) {
            buf[i] = (byte) (gen >>> 24);
            gen *= gen;
        }
        return buf;
    }

    @ParameterizedTest(name = "len {0} seed {1}")
    @CsvSource({
            "0, 0, EF46DB3751D8E999",
            "0, 2654435761, AC75FDA2929B17EF",
            "1, 0, 4FCE394CC88952D8",
            "1, 2654435761, 739840CB819FA723",
            "14, 0, CFFA8DB881BC3A3D",
            "14, 2654435761, 5B9611585EFCC9CB",
            "101, 0, 0EAB543384F878AD",
            "101, 2654435761, CAA65939306F1E21"})
    void matchesTheReferenceSanityVectors(int length, long seed, String expectedHex) {
        long expected = Long.parseUnsignedLong(expectedHex, 16);
        assertThat(XxHash64.hash(sanityBuffer(), 0, length, seed)).isEqualTo(expected);
    }
}
