package io.outrigger.xds.config;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A bootstrap that passed validation: the snapshot to build from, plus what the admin server and
 * {@code outrigger validate} show about it.
 */
public final class LoadedBootstrap {
    private final ConfigSnapshot snapshot;
    private final Bootstrap bootstrap;
    private final List<ConfigProblem> warnings;
    private final Instant loadedAt;
    private volatile String configDumpJson;

    LoadedBootstrap(ConfigSnapshot snapshot, Bootstrap bootstrap, List<ConfigProblem> warnings, Instant loadedAt) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
        this.warnings = List.copyOf(warnings);
        this.loadedAt = Objects.requireNonNull(loadedAt, "loadedAt");
    }

    public ConfigSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Fields that were accepted but have no effect in Outrigger (e.g. {@code admin.access_log}), and
     * leniencies applied; each says why. Show them to the user; they do not stop the proxy.
     */
    public List<ConfigProblem> warnings() {
        return warnings;
    }

    /** When the bootstrap was loaded: {@code last_updated} in the config dump. */
    public Instant loadedAt() {
        return loadedAt;
    }

    /**
     * Envoy's /config_dump JSON for this config (BootstrapConfigDump, ListenersConfigDump with
     * static_listeners, ClustersConfigDump with static_clusters, each with last_updated).
     */
    public String configDumpJson() {
        String json = configDumpJson;
        if (json == null) {
            // Computed on first use: a large bootstrap's dump is megabytes that most runs never ask for.
            json = ConfigDumps.json(bootstrap, loadedAt);
            configDumpJson = json;
        }
        return json;
    }

    /** Human-readable listing of the resources it would build, for {@code outrigger validate}. */
    public String describe() {
        return SnapshotDescription.describe(snapshot, warnings);
    }

    Bootstrap bootstrap() {
        return bootstrap;
    }
}
