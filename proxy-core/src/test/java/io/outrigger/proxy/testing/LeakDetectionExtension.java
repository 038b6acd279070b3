package io.outrigger.proxy.testing;

import io.netty.buffer.ByteBuf;
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
 * Fails any test class during which Netty reports a ByteBuf leak. Registered for every class
 * through {@code META-INF/services} (autodetection is on in {@code junit-platform.properties}), so
 * it installs its detector factory before any test touches a ByteBuf: Netty creates the ByteBuf
 * detector once, when {@code AbstractByteBuf} is first loaded.
 *
 * <p>Leaks surface when a tracked buffer is garbage collected and Netty next polls its queue; after
 * each class we collect garbage and allocate a few buffers so pending reports are delivered to this
 * class, not the next one.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval);
                detector.setLeakListener((type, records) -> {
                    synchronized (LEAKS) {
                        LEAKS.add("LEAK: " + type + "\n" + records);
                    }
                });
                return detector;
            }
        });
        if (ResourceLeakDetector.getLevel().ordinal() < ResourceLeakDetector.Level.PARANOID.ordinal()) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        drainPendingReports();
        synchronized (LEAKS) {
            LEAKS.clear();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        drainPendingReports();
        List<String> leaks;
        synchronized (LEAKS) {
            leaks = List.copyOf(LEAKS);
            LEAKS.clear();
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) reported during "
                    + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }

    /** Makes Netty report leaks of buffers that are already unreachable. */
    private static void drainPendingReports() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (ByteBufAllocator alloc : List.of(PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT,
                    ByteBufAllocator.DEFAULT)) {
                for (int i = 0; i < 8; i++) {
                    ByteBuf b = alloc.directBuffer(16);
                    b.release();
                    b = alloc.heapBuffer(16);
                    b.release();
                }
            }
        }
    }

    /** Drops the reports recorded so far: only for a test that leaks on purpose to prove detection. */
    static void forgetLeaks() {
        synchronized (LEAKS) {
            LEAKS.clear();
        }
    }

    /** The leak reports recorded since the current class started (for this extension's own test). */
    public static List<String> leaksSoFar() {
        synchronized (LEAKS) {
            return List.copyOf(LEAKS);
        }
    }
}
