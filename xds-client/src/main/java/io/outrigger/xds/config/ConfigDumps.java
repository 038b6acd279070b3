package io.outrigger.xds.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.time.Instant;
import java.util.Set;

/** Envoy's {@code /config_dump} for a bootstrap: the same messages, in the same order, as Envoy prints. */
final class ConfigDumps {
    private ConfigDumps() {
    }

    static ConfigDump dump(Bootstrap bootstrap, Instant lastUpdated) {
        Timestamp ts = Timestamp.newBuilder().setSeconds(lastUpdated.getEpochSecond()).setNanos(lastUpdated.getNano()).build();
        ListenersConfigDump.Builder listeners = ListenersConfigDump.newBuilder();
        for (Listener l : bootstrap.getStaticResources().getListenersList()) {
            listeners.addStaticListeners(ListenersConfigDump.StaticListener.newBuilder()
                    .setListener(Any.pack(l)).setLastUpdated(ts));
        }
        ClustersConfigDump.Builder clusters = ClustersConfigDump.newBuilder();
        for (Cluster c : bootstrap.getStaticResources().getClustersList()) {
            clusters.addStaticClusters(ClustersConfigDump.StaticCluster.newBuilder()
                    .setCluster(Any.pack(c)).setLastUpdated(ts));
        }
        return ConfigDump.newBuilder()
                .addConfigs(Any.pack(BootstrapConfigDump.newBuilder().setBootstrap(bootstrap).setLastUpdated(ts).build()))
                .addConfigs(Any.pack(listeners.build()))
                .addConfigs(Any.pack(clusters.build()))
                .build();
    }

    static String json(Bootstrap bootstrap, Instant lastUpdated) {
        ConfigDump dump = dump(bootstrap, lastUpdated);
        try {
            // Envoy prints proto field names (snake_case) in its dumps.
            return JsonFormat.printer()
                    .usingTypeRegistry(ProtoJsonReader.registryFor(dump, Set.of()))
                    .preservingProtoFieldNames()
                    .print(dump);
        } catch (InvalidProtocolBufferException e) {
            // Every Any in a validated bootstrap names a type we resolved while reading it.
            throw new IllegalStateException("config dump: " + e.getMessage(), e);
        }
    }
}
