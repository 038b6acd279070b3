package io.outrigger.xds.ads;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.outrigger.xds.snapshot.NodeInfo;
import java.util.Map;

/** Builds the {@code Node} sent to the control plane from a {@link NodeInfo} when no bootstrap proto is at hand. */
final class NodeProtos {
    private NodeProtos() {
    }

    static Node toProto(NodeInfo info) {
        Struct.Builder md = Struct.newBuilder();
        for (Map.Entry<String, String> e : info.metadata().entrySet()) {
            md.putFields(e.getKey(), value(e.getValue()));
        }
        Node.Builder b = Node.newBuilder()
                .setId(info.id())
                .setCluster(info.cluster())
                .setUserAgentName("outrigger")
                .setMetadata(md);
        if (!info.locality().region().isEmpty() || !info.locality().zone().isEmpty()
                || !info.locality().subZone().isEmpty()) {
            b.setLocality(Locality.newBuilder().setRegion(info.locality().region()).setZone(info.locality().zone())
                    .setSubZone(info.locality().subZone()));
        }
        return b.build();
    }

    /** NodeInfo keeps non-string values (structs, lists) as JSON text: turn those back into structured values. */
    private static Value value(String s) {
        String t = s.strip();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                Value.Builder v = Value.newBuilder();
                JsonFormat.parser().merge(t, v);
                return v.build();
            } catch (InvalidProtocolBufferException e) {
                // not JSON after all: a string that happens to start with a bracket
            }
        }
        return Value.newBuilder().setStringValue(s).build();
    }
}
