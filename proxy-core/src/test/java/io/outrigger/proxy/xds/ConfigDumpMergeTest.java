package io.outrigger.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The bootstrap's dump and the ADS client's, merged into one in Envoy's shape. */
class ConfigDumpMergeTest {
    private static final String P = "type.googleapis.com/envoy.admin.v3.";

    @Test
    void staticEntriesComeFromTheBootstrapDynamicOnesFromTheClientInEnvoysOrder() throws Exception {
        String bootstrap = """
                {"configs": [
                  {"@type": "%1$sBootstrapConfigDump", "bootstrap": {"node": {"id": "n"}}},
                  {"@type": "%1$sListenersConfigDump", "static_listeners": [{"listener": {"name": "s"}, "last_updated": "t0"}]},
                  {"@type": "%1$sClustersConfigDump", "static_clusters": [{"cluster": {"name": "xds"}, "last_updated": "t0"}]}
                ]}""".formatted(P);
        String ads = """
                {"configs": [
                  {"@type": "%1$sClustersConfigDump", "version_info": "3", "static_clusters": [{"cluster": {"name": "xds"}}],
                   "dynamic_active_clusters": [{"version_info": "3", "cluster": {"name": "backend"}}],
                   "dynamic_warming_clusters": []},
                  {"@type": "%1$sEndpointsConfigDump", "dynamic_endpoint_configs": []},
                  {"@type": "%1$sListenersConfigDump", "version_info": "2", "static_listeners": [{"listener": {"name": "s"}}],
                   "dynamic_listeners": [{"name": "ingress"}]}
                ]}""".formatted(P);

        JsonNode merged = new ObjectMapper().readTree(ConfigDumpMerge.merge(bootstrap, ads)).path("configs");

        assertThat(merged).extracting(c -> c.path("@type").asText()).containsExactly(P + "BootstrapConfigDump",
                P + "ClustersConfigDump", P + "EndpointsConfigDump", P + "ListenersConfigDump");
        JsonNode clusters = merged.get(1);
        assertThat(clusters.at("/static_clusters/0/last_updated").asText()).as("the bootstrap's entry").isEqualTo("t0");
        assertThat(clusters.at("/dynamic_active_clusters/0/cluster/name").asText()).isEqualTo("backend");
        assertThat(clusters.path("version_info").asText()).isEqualTo("3");
        JsonNode listeners = merged.get(3);
        assertThat(listeners.path("static_listeners")).hasSize(1);
        assertThat(listeners.at("/static_listeners/0/last_updated").asText()).isEqualTo("t0");
        assertThat(listeners.at("/dynamic_listeners/0/name").asText()).isEqualTo("ingress");
    }
}
