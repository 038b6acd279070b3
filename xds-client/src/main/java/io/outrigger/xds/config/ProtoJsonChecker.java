package io.outrigger.xds.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Walks a JSON tree against protobuf message descriptors before protobuf's own JSON parser sees it,
 * because JsonFormat stops at the first problem and its messages carry no field path. This finds
 * every unknown field, unknown {@code @type}, badly formed value and doubly set oneof, each with the
 * path from the file's root ({@code static_resources.clusters[1].load_assignment.endpoints[0]...}),
 * and records the message types named in {@code Any} values so that the parser can be given them.
 *
 * <p>It also applies one leniency that Envoy has and JsonFormat lacks: a single mapping where a list
 * is expected is read as a list of one (with a warning), as in Envoy's own examples.
 */
final class ProtoJsonChecker {
    private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS = new ConcurrentHashMap<>();


    private final Problems problems;
    private final Set<Descriptor> anyTypes = new LinkedHashSet<>();

    ProtoJsonChecker(Problems problems) {
        this.problems = problems;
    }

    /** The message types met inside {@code Any} values so far. */
    Set<Descriptor> anyTypes() {
        return anyTypes;
    }

    /** Checks {@code node} as a {@code type} message found at {@code path}. */
    void checkMessage(JsonNode node, Descriptor type, String path) {
        if (node == null || node.isNull()) {
            return;
        }
        switch (type.getFullName()) {
            case "google.protobuf.Any" -> checkAny(node, path);
            case "google.protobuf.Duration" -> {
                boolean ok = node.isTextual();
                if (ok) {
                    try {
                        Durations.parse(node.textValue());
                    } catch (ParseException e) {
                        ok = false;
                    }
                }
                if (!ok) {
                    String written = node.isTextual() ? JsonValues.describe(node) : "\"" + node.asText() + "\"";
                    problems.error(path, "invalid duration " + written
                            + " (expected seconds with an \"s\" suffix and at most 9 decimals, e.g. \"0.25s\", \"5s\", \"3600s\")");
                }
            }
            case "google.protobuf.Timestamp" -> {
                boolean ok = node.isTextual();
                if (ok) {
                    try {
                        Timestamps.parse(node.textValue());
                    } catch (ParseException e) {
                        ok = false;
                    }
                }
                if (!ok) {
                    problems.error(path, "invalid timestamp " + JsonValues.describe(node) + " (expected RFC 3339, e.g. \"2024-01-01T00:00:00Z\")");
                }
            }
            case "google.protobuf.FieldMask" -> {
                if (!node.isTextual()) {
                    problems.error(path, "expected a field mask string such as \"a,b.c\", got " + JsonValues.describe(node));
                }
            }
            case "google.protobuf.Struct" -> {
                if (!node.isObject()) {
                    problems.error(path, "expected a mapping, got " + JsonValues.describe(node));
                }
            }
            case "google.protobuf.ListValue" -> {
                if (!node.isArray()) {
                    problems.error(path, "expected a list, got " + JsonValues.describe(node));
                }
            }
            case "google.protobuf.Value" -> {
                // Any JSON value is a Value.
            }
            case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
                 "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
                 "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue" ->
                    JsonValues.checkScalar(node, type.findFieldByName("value"), path, problems);
            default -> checkObject(node, type, path, false);
        }
    }

    private void checkObject(JsonNode node, Descriptor type, String path, boolean anyPayload) {
        if (!node.isObject()) {
            problems.error(path, "expected a mapping (" + type.getName() + "), got " + JsonValues.describe(node));
            return;
        }
        String savedType = problems.resourceType();
        String savedName = problems.resourceName();
        enterResource(node, type);
        Map<String, FieldDescriptor> fields = fieldsOf(type);
        Map<OneofDescriptor, String> oneofsSet = new HashMap<>();
        Map<FieldDescriptor, String> seen = new HashMap<>();
        ObjectNode object = (ObjectNode) node;
        List<String> keys = new ArrayList<>();
        object.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            if (anyPayload && key.equals("@type")) {
                continue;
            }
            String fieldPath = Problems.path(path, key);
            FieldDescriptor field = fields.get(key);
            if (field == null) {
                problems.error(fieldPath, JsonValues.unknownField(type, key));
                continue;
            }
            String earlier = seen.putIfAbsent(field, key);
            if (earlier != null) {
                problems.error(fieldPath, "set twice, as \"" + earlier + "\" and as \"" + key + "\" (expected: one of them)");
                continue;
            }
            JsonNode value = object.get(key);
            OneofDescriptor oneof = field.getRealContainingOneof();
            if (oneof != null && !value.isNull()) {
                String other = oneofsSet.putIfAbsent(oneof, key);
                if (other != null) {
                    problems.error(fieldPath, "\"" + other + "\" and \"" + key + "\" are alternatives (oneof "
                            + oneof.getName() + "): set only one of them");
                    continue;
                }
            }
            checkField(object, key, value, field, fieldPath);
        }
        problems.enter(savedType, savedName);
    }

    private void enterResource(JsonNode node, Descriptor type) {
        String resourceType = switch (type.getFullName()) {
            case "envoy.config.listener.v3.Listener" -> "Listener";
            case "envoy.config.cluster.v3.Cluster" -> "Cluster";
            case "envoy.config.endpoint.v3.ClusterLoadAssignment" -> "ClusterLoadAssignment";
            case "envoy.config.route.v3.RouteConfiguration" -> "RouteConfiguration";
            case "envoy.extensions.transport_sockets.tls.v3.Secret" -> "Secret";
            default -> null;
        };
        if (resourceType == null) {
            return;
        }
        // A load assignment inside a cluster stays attributed to the cluster.
        if (resourceType.equals("ClusterLoadAssignment") && problems.resourceType().equals("Cluster")) {
            return;
        }
        JsonNode name = resourceType.equals("ClusterLoadAssignment")
                ? first(node.get("cluster_name"), node.get("clusterName"))
                : node.get("name");
        problems.enter(resourceType, name != null && name.isValueNode() ? name.asText() : "");
    }

    private static JsonNode first(JsonNode a, JsonNode b) {
        return a != null ? a : b;
    }

    private void checkField(ObjectNode parent, String key, JsonNode value, FieldDescriptor field, String path) {
        if (value.isNull()) {
            return;
        }
        if (field.isMapField()) {
            if (!value.isObject()) {
                problems.error(path, "expected a mapping, got " + JsonValues.describe(value));
                return;
            }
            FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
            FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String entryPath = path + "[\"" + e.getKey() + "\"]";
                if (keyField.getJavaType() != FieldDescriptor.JavaType.STRING) {
                    JsonValues.checkScalar(JsonNodeFactory.instance.textNode(e.getKey()), keyField, entryPath, problems);
                }
                checkSingle(e.getValue(), valueField, entryPath);
            }
            return;
        }
        if (field.isRepeated()) {
            ArrayNode array;
            if (value.isArray()) {
                array = (ArrayNode) value;
            } else if (value.isObject()) {
                // Envoy reads a single mapping given for a list as a list of one; JsonFormat does not.
                array = JsonNodeFactory.instance.arrayNode().add(value);
                parent.set(key, array);
                problems.warn(path, "a single mapping where a list is expected; read as a list of one element");
            } else {
                problems.error(path, "expected a list, got " + JsonValues.describe(value));
                return;
            }
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                String elementPath = path + "[" + i + "]";
                if (element.isNull() && !isValue(field)) {
                    problems.error(elementPath, "null list element (expected a value)");
                } else {
                    checkSingle(element, field, elementPath);
                }
            }
            return;
        }
        checkSingle(value, field, path);
    }

    private static boolean isValue(FieldDescriptor field) {
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && field.getMessageType().getFullName().equals("google.protobuf.Value");
    }

    private void checkSingle(JsonNode value, FieldDescriptor field, String path) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            checkMessage(value, field.getMessageType(), path);
        } else {
            JsonValues.checkScalar(value, field, path, problems);
        }
    }

    private void checkAny(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.error(path, "expected a mapping with an \"@type\", got " + JsonValues.describe(node));
            return;
        }
        JsonNode typeNode = node.get("@type");
        if (typeNode == null || !typeNode.isTextual() || typeNode.textValue().isEmpty()) {
            if (node.isEmpty()) {
                return;
            }
            problems.error(path, "missing \"@type\" (expected e.g. \"@type\": "
                    + "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy)");
            return;
        }
        String typeUrl = typeNode.textValue();
        if (typeUrl.indexOf('/') < 0) {
            problems.error(path + ".@type", "\"" + typeUrl + "\" is not a type URL (expected: type.googleapis.com/" + typeUrl + ")");
            return;
        }
        Optional<Descriptor> resolved = MessageTypes.find(typeUrl);
        if (resolved.isEmpty()) {
            problems.error(path, "unknown @type \"" + typeUrl + "\"" + MessageTypes.unknownTypeHint(typeUrl));
            return;
        }
        Descriptor type = resolved.get();
        anyTypes.add(type);
        if (hasSpecialJson(type)) {
            // Well-known types keep their own JSON form under "value".
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!key.equals("@type") && !key.equals("value")) {
                    problems.error(Problems.path(path, key), "unknown field \"" + key + "\" (an Any holding "
                            + type.getFullName() + " has only \"@type\" and \"value\")");
                }
            }
            if (node.has("value")) {
                checkMessage(node.get("value"), type, Problems.path(path, "value"));
            }
            return;
        }
        checkObject(node, type, path, true);
    }

    /** The types JsonFormat writes in their own form, which inside an Any sits under "value". */
    private static final Set<String> SPECIAL_JSON = Set.of(
            "google.protobuf.Any", "google.protobuf.Duration", "google.protobuf.Timestamp",
            "google.protobuf.FieldMask", "google.protobuf.Struct", "google.protobuf.Value",
            "google.protobuf.ListValue", "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
            "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.Int32Value",
            "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
            "google.protobuf.BytesValue");

    private static boolean hasSpecialJson(Descriptor type) {
        return SPECIAL_JSON.contains(type.getFullName());
    }

    private static Map<String, FieldDescriptor> fieldsOf(Descriptor type) {
        return FIELDS.computeIfAbsent(type, t -> {
            Map<String, FieldDescriptor> m = new HashMap<>();
            for (FieldDescriptor f : t.getFields()) {
                m.put(f.getName(), f);
                m.put(f.getJsonName(), f);
            }
            return Map.copyOf(m);
        });
    }

}
