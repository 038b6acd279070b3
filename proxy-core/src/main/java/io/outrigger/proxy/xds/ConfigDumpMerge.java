package io.outrigger.proxy.xds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envoy's {@code /config_dump} of a bootstrap with dynamic resources: one document with one config
 * per type, in Envoy's order (bootstrap, clusters, endpoints, listeners, then anything else). For
 * each type the static entries come from the bootstrap's dump (with the time it was loaded) and the
 * dynamic ones ({@code dynamic_active_clusters}, {@code dynamic_warming_clusters},
 * {@code dynamic_listeners}, {@code dynamic_endpoint_configs}, {@code version_info}) from the ADS
 * client's.
 */
public final class ConfigDumpMerge {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "type.googleapis.com/envoy.admin.v3.";
    private static final List<String> ORDER = List.of("BootstrapConfigDump", "ClustersConfigDump",
            "EndpointsConfigDump", "ListenersConfigDump", "ScopedRoutesConfigDump", "RoutesConfigDump",
            "SecretsConfigDump");

    private ConfigDumpMerge() {
    }

    /**
     * @param bootstrapDump the bootstrap's dump (static resources, each with {@code last_updated})
     * @param adsDump the ADS client's dump (dynamic resources; its static copies are replaced)
     */
    public static String merge(String bootstrapDump, String adsDump) {
        try {
            Map<String, ObjectNode> byType = new LinkedHashMap<>();
            for (JsonNode c : JSON.readTree(bootstrapDump).path("configs")) {
                byType.put(c.path("@type").asText(), (ObjectNode) c.deepCopy());
            }
            for (JsonNode c : JSON.readTree(adsDump).path("configs")) {
                String type = c.path("@type").asText();
                ObjectNode base = byType.get(type);
                if (base == null) {
                    byType.put(type, (ObjectNode) c.deepCopy());
                    continue;
                }
                // Statics stay the bootstrap's (they carry last_updated); everything else is the client's.
                c.properties().forEach(field -> {
                    if (!field.getKey().startsWith("static_") && !field.getKey().equals("@type")) {
                        base.set(field.getKey(), field.getValue().deepCopy());
                    }
                });
            }
            ObjectNode root = JSON.createObjectNode();
            ArrayNode configs = root.putArray("configs");
            for (String name : ORDER) {
                ObjectNode c = byType.remove(PREFIX + name);
                if (c != null) {
                    configs.add(c);
                }
            }
            byType.values().forEach(configs::add);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("config dump: " + e.getOriginalMessage(), e);
        }
    }
}
