package io.outrigger.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The leak extension really sees leaks: a buffer dropped without release is reported. */
class LeakDetectionExtensionTest {
    @Test
    void aBufferDroppedWithoutReleaseIsReported() {
        leakOne();

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            PooledByteBufAllocator.DEFAULT.directBuffer(8).release(); // Netty reports on the next allocation
            return !LeakDetectionExtension.leaksSoFar().isEmpty();
        });
        assertThat(LeakDetectionExtension.leaksSoFar().getFirst()).startsWith("LEAK: ByteBuf");
        // This leak is the test's own: take it back so that afterAll does not fail this class.
        LeakDetectionExtension.forgetLeaks();
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(1);
    }
}
