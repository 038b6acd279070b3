package io.outrigger.tls.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer (or SSL engine) during it. Autodetected for every
 * class (see {@code junit-platform.properties}) so the detector factory is installed before the first
 * ByteBuf class loads. Leaks are only reported when a lost buffer is collected and Netty polls again, so
 * after each class we run the collector and allocate a little to flush pending reports into this class.
 */
public final class LeakReportingExtension implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> REPORTS = new ArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            // The only abstract method of the factory, deprecated in favour of an overload that delegates to it.
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                    long maxActive) {
                ResourceLeakDetector<T> d = new ResourceLeakDetector<>(resource, samplingInterval);
                d.setLeakListener((type, records) -> {
                    synchronized (REPORTS) {
                        REPORTS.add(type + " leaked:\n" + records);
                    }
                });
                return d;
            }
        });
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        flush();
        synchronized (REPORTS) {
            REPORTS.clear();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        flush();
        List<String> leaks;
        synchronized (REPORTS) {
            leaks = List.copyOf(REPORTS);
            REPORTS.clear();
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n", leaks));
        }
    }

    private static void flush() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (ByteBufAllocator a : List.of(PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT)) {
                for (int i = 0; i < 8; i++) {
                    a.directBuffer(8).release();
                    a.heapBuffer(8).release();
                }
            }
        }
    }

    /** Flushes and takes the reports so far (for this extension's own test, which leaks on purpose). */
    static List<String> takeReports() {
        flush();
        synchronized (REPORTS) {
            List<String> out = List.copyOf(REPORTS);
            REPORTS.clear();
            return out;
        }
    }
}
