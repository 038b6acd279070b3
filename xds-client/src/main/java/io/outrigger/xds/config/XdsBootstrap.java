package io.outrigger.xds.config;

import io.outrigger.xds.ads.AdsClient;
import io.outrigger.xds.ads.AdsConfig;
import io.outrigger.xds.ads.XdsDecoders;
import java.util.Objects;
import java.util.Optional;

/**
 * The bridge from a loaded bootstrap to the ADS client: the bootstrap's {@code dynamic_resources},
 * node and static resources, without exposing the bootstrap proto.
 *
 * <pre>{@code
 * LoadedBootstrap loaded = BootstrapLoader.load(path);
 * Optional<AdsClient> ads = XdsBootstrap.adsClient(loaded).map(b -> b.listener(runtime::apply).build());
 * }</pre>
 */
public final class XdsBootstrap {
    private XdsBootstrap() {
    }

    /**
     * The ADS settings of {@code dynamic_resources}; empty for a static-only bootstrap.
     *
     * @throws ConfigException naming every unsupported field (the loader reports the same problems)
     */
    public static Optional<AdsConfig> adsConfig(LoadedBootstrap loaded) throws ConfigException {
        Objects.requireNonNull(loaded, "loaded");
        return AdsConfig.fromBootstrap(loaded.bootstrap(), loaded.snapshot().source());
    }

    /**
     * A client builder for the bootstrap: its ADS settings, its node as written, its static
     * resources merged into every snapshot and shown in the config dump, and the production
     * decoders. Empty for a static-only bootstrap. Add a listener, build, start.
     */
    public static Optional<AdsClient.Builder> adsClient(LoadedBootstrap loaded) throws ConfigException {
        return adsConfig(loaded).map(config -> AdsClient.builder(config, loaded.snapshot(), XdsDecoders.envoy())
                .bootstrap(loaded.bootstrap()));
    }
}
