package io.outrigger.proxy.xds;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.xds.ads.AdsClient;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.config.LoadedBootstrap;
import io.outrigger.xds.config.XdsBootstrap;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link from a bootstrap's {@code dynamic_resources} to a {@link ProxyServer}: the ADS client
 * whose every snapshot is applied to the server on the client's thread ({@code outrigger-xds}),
 * the readiness the server waits for, the merged {@code /config_dump} and the xDS stats.
 *
 * <pre>{@code
 * Optional<XdsConnection> xds = XdsConnection.create(loaded, server);   // empty: static bootstrap
 * server.start(loaded.snapshot(), xds.map(x -> x.configDump(loaded)).orElse(loaded::configDumpJson),
 *         xds.map(XdsConnection::ready).orElse(null));
 * xds.ifPresent(XdsConnection::start);
 * }</pre>
 *
 * <p>While the control plane is unreachable nothing is withdrawn: the client keeps its last snapshot
 * and the server keeps serving it.
 */
public final class XdsConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(XdsConnection.class);

    private final AdsClient client;
    private final ProxyServer server;

    private XdsConnection(AdsClient client, ProxyServer server) {
        this.client = client;
        this.server = server;
    }

    /**
     * The connection for {@code loaded}'s {@code dynamic_resources}, not started; empty for a bootstrap
     * without them.
     *
     * @throws ConfigException naming every unsupported field of {@code dynamic_resources}
     */
    public static Optional<XdsConnection> create(LoadedBootstrap loaded, ProxyServer server) throws ConfigException {
        Objects.requireNonNull(loaded, "loaded");
        Objects.requireNonNull(server, "server");
        return XdsBootstrap.adsClient(loaded).map(b -> {
            XdsConnection[] self = new XdsConnection[1];
            AdsClient client = b.listener(snapshot -> self[0].apply(snapshot)).build();
            self[0] = new XdsConnection(client, server);
            return self[0];
        });
    }

    /** On the xDS thread: hands the snapshot to the server; a failure is logged, the previous config keeps serving. */
    private void apply(ConfigSnapshot snapshot) {
        try {
            ProxyServer.UpdateResult r = server.apply(snapshot);
            if (r.changed()) {
                LOG.debug("xDS version {} applied, {} resource(s) rejected by the data path", snapshot.versionInfo(),
                        r.rejected().size());
            }
        } catch (RuntimeException e) {
            LOG.error("xDS version {}: could not apply, the previous configuration keeps serving",
                    snapshot.versionInfo(), e);
        }
    }

    /** Completes once the first complete configuration was applied (LDS and CDS fetched or timed out, nothing warming). */
    public CompletableFuture<?> ready() {
        return client.ready();
    }

    /** {@code /config_dump}: the bootstrap's static resources merged with the dynamic ones, the Envoy way. */
    public Supplier<String> configDump(LoadedBootstrap loaded) {
        Objects.requireNonNull(loaded, "loaded");
        return () -> ConfigDumpMerge.merge(loaded.configDumpJson(), client.configDumpJson());
    }

    /** Binds the xDS stats into the server's and opens the stream; call after the server started. */
    public void start() {
        XdsStatsBinding.bind(server.stats(), client.stats());
        client.start();
    }

    public AdsClient client() {
        return client;
    }

    /** Closes the stream; the server keeps its last configuration. */
    @Override
    public void close() {
        client.close();
    }
}
