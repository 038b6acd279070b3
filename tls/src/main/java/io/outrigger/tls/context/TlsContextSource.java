package io.outrigger.tls.context;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import io.outrigger.tls.identity.SecretStore;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundles;
import io.outrigger.tls.metrics.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live TLS of one listener (server) or cluster (client): subscribes to the named secrets in a
 * {@link SecretStore}, builds an {@link SslContext} whenever one changes, and publishes it by swapping a
 * volatile reference. New handshakes use the new certificate and bundles at once; open connections keep
 * the context they were made with. A rebuild that fails (an unsupported cipher, a provider error) is logged
 * and the previous context stays.
 *
 * <p>Event loops only call {@link #newHandlers}; rebuilds run on the thread that publishes secrets.
 */
public final class TlsContextSource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsContextSource.class);

    private final Side side;
    private final String description;
    private final ServerTlsConfig serverConfig;
    private final ClientTlsConfig clientConfig;
    private final TlsOptions options;
    private final List<SecretStore.Subscription> subscriptions = new ArrayList<>();
    private final CopyOnWriteArrayList<Consumer<TlsContextSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<TlsContextSnapshot> ready = new CompletableFuture<>();
    private volatile TlsContextSnapshot current;
    private volatile String lastError;
    // Written and read only under "this", on the publishing thread.
    private Svid svid;
    private TrustBundles bundles;
    private long generation;

    private TlsContextSource(Side side, ServerTlsConfig server, ClientTlsConfig client, TlsOptions options) {
        this.side = side;
        this.serverConfig = server;
        this.clientConfig = client;
        this.options = Objects.requireNonNull(options, "options");
        this.description = side == Side.SERVER
                ? "server TLS (certificate '" + server.certificateName() + "')"
                : "client TLS (validation context '" + client.validationContextName() + "')";
    }

    /** A listener's TLS: serves {@code config.certificateName()}, verifies clients as configured. */
    public static TlsContextSource server(SecretStore store, ServerTlsConfig config, TlsOptions options) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(config, "config");
        TlsContextSource s = new TlsContextSource(Side.SERVER, config, null, options);
        s.subscribe(store, config.certificateName(),
                config.clientCertificate() == ClientCertificateMode.NONE ? null : config.validationContextName());
        return s;
    }

    /** A cluster's TLS: verifies servers with {@code config.validationContextName()}, presents its certificate. */
    public static TlsContextSource client(SecretStore store, ClientTlsConfig config, TlsOptions options) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(config, "config");
        TlsContextSource s = new TlsContextSource(Side.CLIENT, null, config, options);
        s.subscribe(store, config.certificateName(), config.validationContextName());
        return s;
    }

    private void subscribe(SecretStore store, String certName, String validationName) {
        if (certName != null) {
            subscriptions.add(store.watchCertificate(certName, this::onCertificate));
        }
        if (validationName != null) {
            subscriptions.add(store.watchValidationContext(validationName, this::onBundles));
        }
    }

    private synchronized void onCertificate(Svid next) {
        svid = next;
        rebuild();
    }

    private synchronized void onBundles(TrustBundles next) {
        bundles = next;
        rebuild();
    }

    private void rebuild() {
        boolean needsCert = side == Side.SERVER || clientConfig.certificateName() != null;
        boolean needsBundles = side == Side.CLIENT || serverConfig.clientCertificate() != ClientCertificateMode.NONE;
        if ((needsCert && svid == null) || (needsBundles && bundles == null)) {
            return; // still warming: Envoy keeps such a listener or cluster out of service too
        }
        SslContext ctx;
        try {
            ctx = side == Side.SERVER
                    ? SslContexts.server(svid, bundles, serverConfig, options.provider(), options.clock())
                    : SslContexts.client(svid, bundles, clientConfig, options.provider(), options.clock());
        } catch (Exception e) {
            lastError = e.toString();
            log.error("{}: cannot build a context, keeping the previous one", description, e);
            return;
        }
        lastError = null;
        TlsContextSnapshot snap = new TlsContextSnapshot(ctx, svid, bundles, ++generation);
        current = snap;
        ready.complete(snap);
        for (Consumer<TlsContextSnapshot> l : listeners) {
            try {
                l.accept(snap);
            } catch (RuntimeException e) {
                log.warn("{}: update listener failed", description, e);
            }
        }
    }

    /** The context new connections get, once the secrets it needs have arrived. */
    public Optional<TlsContextSnapshot> current() {
        return Optional.ofNullable(current);
    }

    /** Completes with the first context built (Envoy: the listener or cluster finished warming). */
    public CompletableFuture<TlsContextSnapshot> ready() {
        return ready.copy();
    }

    /** Why the last rebuild failed, if it did (the previous context is still served). */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /**
     * Calls {@code listener} on the publishing thread after each rebuild (e.g. to drain connections that
     * still use a revoked bundle).
     */
    public SecretStore.Subscription onUpdate(Consumer<TlsContextSnapshot> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    /**
     * Handlers for a server connection, or a client connection without SNI.
     *
     * @throws IllegalStateException while the secrets have not arrived
     */
    public TlsHandlers newHandlers(ByteBufAllocator alloc) {
        TlsContextSnapshot snap = snapshotOrThrow();
        return handlers(snap, snap.sslContext().newHandler(alloc));
    }

    /**
     * Handlers for a client connection sending {@code sni} (a host name) in its ClientHello.
     *
     * @param port the upstream port, used as a session-resumption key with {@code sni}
     */
    public TlsHandlers newHandlers(ByteBufAllocator alloc, String sni, int port) {
        Objects.requireNonNull(sni, "sni");
        if (side != Side.CLIENT) {
            throw new IllegalStateException(description + ": SNI is set by clients");
        }
        TlsContextSnapshot snap = snapshotOrThrow();
        SslHandler ssl = snap.sslContext().newHandler(alloc, sni, port);
        if (ssl.engine() instanceof ReferenceCountedOpenSslEngine openSsl) {
            // Netty vets SNI with JSSE's SNIHostName, which refuses the '_' of Istio's
            // "outbound_.9080_._.svc..." names; BoringSSL sends any name, so set it directly. The engine has not
            // started its handshake yet.
            synchronized (openSsl) {
                SSL.setTlsExtHostName(openSsl.sslPointer(), sni);
            }
        }
        // The JDK fallback cannot send such names at all (IDNA STD3 rules): it then sends no SNI.
        return handlers(snap, ssl);
    }

    /** Only the {@link SslHandler}, for callers that observe handshakes themselves. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler ssl = snapshotOrThrow().sslContext().newHandler(alloc);
        ssl.setHandshakeTimeoutMillis(options.handshakeTimeout().toMillis());
        return ssl;
    }

    private TlsHandlers handlers(TlsContextSnapshot snap, SslHandler ssl) {
        ssl.setHandshakeTimeoutMillis(options.handshakeTimeout().toMillis());
        return new TlsHandlers(ssl, new TlsHandshakeObserver(side, options,
                snap.svid() == null ? null : snap.svid().leaf()), snap);
    }

    private TlsContextSnapshot snapshotOrThrow() {
        TlsContextSnapshot s = current;
        if (s == null) {
            throw new IllegalStateException(description + ": not ready (waiting for its secrets)");
        }
        return s;
    }

    /** Which side this source serves. */
    public Side side() {
        return side;
    }

    @Override
    public void close() {
        subscriptions.forEach(SecretStore.Subscription::close);
        listeners.clear();
    }

    @Override
    public String toString() {
        return description;
    }
}
