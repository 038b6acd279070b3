package io.outrigger.tls.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class LeakReportingExtensionTest {
    @Test
    void unreleasedBufferIsReported() {
        leakOne();
        // Collection is not deterministic: a few rounds are enough in practice, bounded to stay fast.
        boolean reported = false;
        for (int i = 0; i < 20 && !reported; i++) {
            reported = LeakReportingExtension.takeReports().stream().anyMatch(r -> r.contains("ByteBuf"));
        }
        assertThat(reported).as("leak of an unreleased ByteBuf reported").isTrue();
    }

    private static void leakOne() {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeInt(42);
    }
}
