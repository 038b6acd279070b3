package io.outrigger.proxy;

import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT start a graceful drain instead of killing the JVM, so the process exits 0
 * after draining (the kubelet's SIGTERM then reads as a clean stop, not exit code 143).
 * {@code sun.misc.Signal} is the only JDK API for this; it lives in {@code jdk.unsupported}.
 */
final class ShutdownSignals {
    private ShutdownSignals() {
    }

    static void onTerminate(Runnable drain) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                LoggerFactory.getLogger(ShutdownSignals.class).info("SIG{}: draining", name);
                drain.run();
            });
        }
    }
}
