package io.outrigger.tls.identity;

import io.outrigger.tls.metrics.TlsMetrics;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named TLS secrets, as Envoy's SDS names them: {@linkplain Svid TLS certificates} (Istio: {@code default})
 * and {@linkplain TrustBundles validation contexts} (Istio: {@code ROOTCA}). File sources and SDS both publish
 * here; TLS context providers subscribe. Values are immutable and published by reference swap; an update
 * equal to the current value is dropped. Listeners run on the publishing (control) thread, never on an event
 * loop, and must not block.
 */
public final class SecretStore {
    private static final Logger log = LoggerFactory.getLogger(SecretStore.class);

    private final TlsMetrics metrics;
    private final Map<String, Slot<Svid>> certificates = new ConcurrentHashMap<>();
    private final Map<String, Slot<TrustBundles>> validationContexts = new ConcurrentHashMap<>();

    /** A store that reports nothing. */
    public SecretStore() {
        this(TlsMetrics.NOOP);
    }

    /** A store that reports every certificate published ({@link TlsMetrics#certificateLoaded}). */
    public SecretStore(TlsMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Publishes (or replaces) the TLS certificate named {@code name}. */
    public void putCertificate(String name, Svid svid) {
        if (slot(certificates, name).publish(Objects.requireNonNull(svid, "svid"))) {
            metrics.certificateLoaded(name, svid.spiffeId(), svid.serial(), svid.notAfter());
        }
    }

    /** Publishes (or replaces) the validation context named {@code name}. */
    public void putValidationContext(String name, TrustBundles bundles) {
        slot(validationContexts, name).publish(Objects.requireNonNull(bundles, "bundles"));
    }

    /** The current TLS certificate named {@code name}, if one was published. */
    public Optional<Svid> certificate(String name) {
        return Optional.ofNullable(slot(certificates, name).value);
    }

    /** The current validation context named {@code name}, if one was published. */
    public Optional<TrustBundles> validationContext(String name) {
        return Optional.ofNullable(slot(validationContexts, name).value);
    }

    /**
     * Calls {@code listener} with the current certificate (if any) and with every later one.
     *
     * @return closing it stops the notifications
     */
    public Subscription watchCertificate(String name, Consumer<Svid> listener) {
        return slot(certificates, name).watch(listener);
    }

    /**
     * Calls {@code listener} with the current validation context (if any) and with every later one.
     *
     * @return closing it stops the notifications
     */
    public Subscription watchValidationContext(String name, Consumer<TrustBundles> listener) {
        return slot(validationContexts, name).watch(listener);
    }

    /** Every certificate currently published, by name (for the admin {@code /certs} view). */
    public Map<String, Svid> certificates() {
        Map<String, Svid> out = new java.util.TreeMap<>();
        certificates.forEach((n, s) -> {
            Svid v = s.value;
            if (v != null) {
                out.put(n, v);
            }
        });
        return out;
    }

    /** Every validation context currently published, by name (for the admin {@code /certs} view). */
    public Map<String, TrustBundles> validationContexts() {
        Map<String, TrustBundles> out = new java.util.TreeMap<>();
        validationContexts.forEach((n, s) -> {
            TrustBundles v = s.value;
            if (v != null) {
                out.put(n, v);
            }
        });
        return out;
    }

    /** Stops notifications to one listener. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private static <T> Slot<T> slot(Map<String, Slot<T>> map, String name) {
        Objects.requireNonNull(name, "name");
        return map.computeIfAbsent(name, n -> new Slot<>(n));
    }

    /** One named secret: the current value and who wants to hear of changes. */
    private static final class Slot<T> {
        private final String name;
        private final CopyOnWriteArrayList<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
        private volatile T value;

        Slot(String name) {
            this.name = name;
        }

        boolean publish(T next) {
            T delivered;
            synchronized (this) {
                if (next.equals(value)) {
                    return false;
                }
                value = next;
                delivered = next;
                // Listeners are called under the lock so two publishers cannot deliver out of order.
                for (Consumer<T> l : listeners) {
                    notify(l, delivered);
                }
            }
            return true;
        }

        Subscription watch(Consumer<T> listener) {
            Objects.requireNonNull(listener, "listener");
            synchronized (this) {
                listeners.add(listener);
                T v = value;
                if (v != null) {
                    notify(listener, v);
                }
            }
            return () -> listeners.remove(listener);
        }

        private void notify(Consumer<T> l, T v) {
            try {
                l.accept(v);
            } catch (RuntimeException e) {
                // One broken subscriber must not stop the others from seeing a rotation.
                log.warn("listener of secret '{}' failed", name, e);
            }
        }
    }
}
