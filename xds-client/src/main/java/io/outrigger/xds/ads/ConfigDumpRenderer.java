package io.outrigger.xds.ads;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.outrigger.xds.config.XdsJson;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the client's state in the JSON shape of Envoy's {@code /config_dump} (snake_case field
 * names, {@code @type} on each config), so that tools and people used to Envoy read it as is.
 */
final class ConfigDumpRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
            .add(Bootstrap.getDescriptor())
            .add(ClustersConfigDump.getDescriptor())
            .add(HttpConnectionManager.getDescriptor())
            .add(TcpProxy.getDescriptor())
            .add(Router.getDescriptor())
            .add(UpstreamTlsContext.getDescriptor())
            .add(DownstreamTlsContext.getDescriptor())
            .add(Secret.getDescriptor())
            .add(OriginalDst.getDescriptor())
            .add(TlsInspector.getDescriptor())
            .add(HttpInspector.getDescriptor())
            .build();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TYPES)
            .preservingProtoFieldNames().omittingInsignificantWhitespace();

    private ConfigDumpRenderer() {
    }

    static String render(ResourceStore store, SnapshotAssembler assembler, Bootstrap bootstrap) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode configs = root.putArray("configs");
        configs.add(clusters(store, assembler, bootstrap));
        configs.add(endpoints(store));
        configs.add(listeners(store, assembler, bootstrap));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("config dump", e);
        }
    }

    private static ObjectNode clusters(ResourceStore store, SnapshotAssembler assembler, Bootstrap bootstrap) {
        TypeState st = store.state(XdsResourceType.CLUSTER);
        ObjectNode dump = typed(ClustersConfigDump.getDescriptor().getFullName());
        dump.put("version_info", st.versionInfo);
        ArrayNode statics = dump.putArray("static_clusters");
        if (bootstrap != null) {
            bootstrap.getStaticResources().getClustersList().forEach(c -> statics.addObject()
                    .set("cluster", print(Any.pack(c))));
        }
        ArrayNode active = dump.putArray("dynamic_active_clusters");
        Map<String, Rejection> rejectedOnly = new TreeMap<>(st.rejected);
        for (SnapshotAssembler.Active a : assembler.activeClusters().values()) {
            ObjectNode n = entry(active.addObject(), a.entry(), "cluster");
            Rejection r = rejectedOnly.remove(a.entry().name());
            if (r != null) {
                errorState(n, r);
            }
        }
        rejectedOnly.forEach((name, r) -> errorState(active.addObject(), r));
        ArrayNode warming = dump.putArray("dynamic_warming_clusters");
        for (String name : assembler.warmingClusters()) {
            entry(warming.addObject(), st.resources.get(name), "cluster");
        }
        return dump;
    }

    private static ObjectNode endpoints(ResourceStore store) {
        TypeState st = store.state(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT);
        ObjectNode dump = typed(EndpointsConfigDump.getDescriptor().getFullName());
        ArrayNode dynamic = dump.putArray("dynamic_endpoint_configs");
        for (ResourceEntry e : new TreeMap<>(st.resources).values()) {
            ObjectNode n = entry(dynamic.addObject(), e, "endpoint_config");
            Rejection r = st.rejected.get(e.name());
            if (r != null) {
                errorState(n, r);
            }
        }
        return dump;
    }

    private static ObjectNode listeners(ResourceStore store, SnapshotAssembler assembler, Bootstrap bootstrap) {
        TypeState st = store.state(XdsResourceType.LISTENER);
        ObjectNode dump = typed(ListenersConfigDump.getDescriptor().getFullName());
        dump.put("version_info", st.versionInfo);
        ArrayNode statics = dump.putArray("static_listeners");
        if (bootstrap != null) {
            bootstrap.getStaticResources().getListenersList().forEach(l -> statics.addObject()
                    .set("listener", print(Any.pack(l))));
        }
        ArrayNode dynamic = dump.putArray("dynamic_listeners");
        Map<String, ObjectNode> byName = new TreeMap<>();
        for (SnapshotAssembler.Active a : assembler.activeListeners().values()) {
            entry(listener(byName, a.entry().name()).putObject("active_state"), a.entry(), "listener");
        }
        for (String name : assembler.warmingListeners()) {
            entry(listener(byName, name).putObject("warming_state"), st.resources.get(name), "listener");
        }
        st.rejected.forEach((name, r) -> errorState(listener(byName, name), r));
        byName.values().forEach(dynamic::add);
        return dump;
    }

    private static ObjectNode listener(Map<String, ObjectNode> byName, String name) {
        return byName.computeIfAbsent(name, n -> {
            ObjectNode o = JSON.createObjectNode();
            o.put("name", n);
            return o;
        });
    }

    private static ObjectNode entry(ObjectNode n, ResourceEntry e, String field) {
        n.put("version_info", e.version());
        n.set(field, print(e.raw()));
        n.put("last_updated", timestamp(e.lastUpdated()));
        return n;
    }

    private static void errorState(ObjectNode n, Rejection r) {
        ObjectNode es = n.putObject("error_state");
        es.set("failed_configuration", print(r.raw()));
        es.put("last_update_attempt", timestamp(r.lastUpdateAttempt()));
        es.put("details", r.details());
        es.put("version_info", r.version());
    }

    private static ObjectNode typed(String fullName) {
        ObjectNode o = JSON.createObjectNode();
        o.put("@type", "type.googleapis.com/" + fullName);
        return o;
    }

    private static String timestamp(Instant t) {
        return t.toString();
    }

    /** The resource as JSON; an extension we have no descriptor for is shown by its type URL only. */
    private static JsonNode print(Message m) {
        try {
            String json;
            try {
                json = PRINTER.print(m);
            } catch (InvalidProtocolBufferException e) {
                // An extension outside the usual set: resolve every Any inside this one resource.
                json = JsonFormat.printer().usingTypeRegistry(XdsJson.registryFor(m)).preservingProtoFieldNames()
                        .omittingInsignificantWhitespace().print(m);
            }
            return JSON.readTree(json);
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            ObjectNode o = JSON.createObjectNode();
            o.put("@type", m instanceof Any a ? a.getTypeUrl() : m.getDescriptorForType().getFullName());
            o.put("unprintable", String.valueOf(e.getMessage()));
            return o;
        }
    }
}
