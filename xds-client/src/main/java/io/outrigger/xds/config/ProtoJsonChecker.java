package io.outrigger.xds.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
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

    /** Fields that Envoy v3 removed, with what replaced them: a plain "unknown field" would not help. */
    private static final Map<String, String> REMOVED = Map.of(
            "envoy.config.cluster.v3.Cluster.hosts",
            "\"hosts\" was removed in the Envoy v3 API (expected: load_assignment, e.g. "
                    + "load_assignment: {cluster_name: ..., endpoints: [{lb_endpoints: [{endpoint: {address: "
                    + "{socket_address: {address: 10.0.0.1, port_value: 8080}}}}]}]})",
            "envoy.config.cluster.v3.Cluster.tls_context",
            "\"tls_context\" was removed in the Envoy v3 API (expected: transport_socket with an UpstreamTlsContext)",
            "envoy.config.listener.v3.FilterChain.tls_context",
            "\"tls_context\" was removed in the Envoy v3 API (expected: transport_socket with a DownstreamTlsContext)",
            "envoy.config.listener.v3.Filter.config",
            "\"config\" was removed in the Envoy v3 API (expected: typed_config with an \"@type\")",
            "envoy.config.listener.v3.ListenerFilter.config",
            "\"config\" was removed in the Envoy v3 API (expected: typed_config with an \"@type\")");

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
                    String written = node.isTextual() ? describe(node) : "\"" + node.asText() + "\"";
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
                    problems.error(path, "invalid timestamp " + describe(node) + " (expected RFC 3339, e.g. \"2024-01-01T00:00:00Z\")");
                }
            }
            case "google.protobuf.FieldMask" -> {
                if (!node.isTextual()) {
                    problems.error(path, "expected a field mask string such as \"a,b.c\", got " + describe(node));
                }
            }
            case "google.protobuf.Struct" -> {
                if (!node.isObject()) {
                    problems.error(path, "expected a mapping, got " + describe(node));
                }
            }
            case "google.protobuf.ListValue" -> {
                if (!node.isArray()) {
                    problems.error(path, "expected a list, got " + describe(node));
                }
            }
            case "google.protobuf.Value" -> {
                // Any JSON value is a Value.
            }
            case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
                 "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
                 "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue" ->
                    checkScalar(node, type.findFieldByName("value"), path);
            default -> checkObject(node, type, path, false);
        }
    }

    private void checkObject(JsonNode node, Descriptor type, String path, boolean anyPayload) {
        if (!node.isObject()) {
            problems.error(path, "expected a mapping (" + type.getName() + "), got " + describe(node));
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
                problems.error(fieldPath, unknownField(type, key));
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
                problems.error(path, "expected a mapping, got " + describe(value));
                return;
            }
            FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
            FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String entryPath = path + "[\"" + e.getKey() + "\"]";
                if (keyField.getJavaType() != FieldDescriptor.JavaType.STRING) {
                    checkScalar(JsonNodeFactory.instance.textNode(e.getKey()), keyField, entryPath);
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
                problems.error(path, "expected a list, got " + describe(value));
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
            checkScalar(value, field, path);
        }
    }

    private void checkAny(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.error(path, "expected a mapping with an \"@type\", got " + describe(node));
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

    private void checkScalar(JsonNode value, FieldDescriptor field, String path) {
        switch (field.getJavaType()) {
            case INT -> checkInteger(value, field, path, unsigned(field) ? BigInteger.ZERO : BigInteger.valueOf(Integer.MIN_VALUE),
                    unsigned(field) ? BigInteger.valueOf(0xFFFF_FFFFL) : BigInteger.valueOf(Integer.MAX_VALUE));
            case LONG -> checkInteger(value, field, path, unsigned(field) ? BigInteger.ZERO : BigInteger.valueOf(Long.MIN_VALUE),
                    unsigned(field) ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : BigInteger.valueOf(Long.MAX_VALUE));
            case FLOAT, DOUBLE -> {
                boolean ok = value.isNumber();
                if (!ok && value.isTextual()) {
                    String t = value.textValue();
                    ok = t.equals("NaN") || t.equals("Infinity") || t.equals("-Infinity") || parsesAsDecimal(t);
                }
                if (!ok) {
                    problems.error(path, "expected a number, got " + describe(value));
                }
            }
            case BOOLEAN -> {
                boolean ok = value.isBoolean()
                        || (value.isTextual() && (value.textValue().equals("true") || value.textValue().equals("false")));
                if (!ok) {
                    problems.error(path, "expected true or false, got " + describe(value));
                }
            }
            case STRING -> {
                if (!value.isValueNode()) {
                    problems.error(path, "expected a string, got " + describe(value));
                }
            }
            case BYTE_STRING -> {
                if (!value.isTextual() || !isBase64(value.textValue())) {
                    problems.error(path, "expected base64 text, got " + describe(value));
                }
            }
            case ENUM -> checkEnum(value, field.getEnumType(), path);
            case MESSAGE -> checkMessage(value, field.getMessageType(), path);
        }
    }

    private static boolean unsigned(FieldDescriptor f) {
        return switch (f.getType()) {
            case UINT32, FIXED32, UINT64, FIXED64 -> true;
            default -> false;
        };
    }

    private void checkInteger(JsonNode value, FieldDescriptor field, String path, BigInteger min, BigInteger max) {
        BigInteger n = null;
        if (value.isIntegralNumber()) {
            n = value.bigIntegerValue();
        } else if (value.isNumber() || value.isTextual()) {
            try {
                n = new BigDecimal(value.asText().strip()).toBigIntegerExact();
            } catch (NumberFormatException | ArithmeticException e) {
                n = null;
            }
        }
        String kind = field.getType().name().toLowerCase(java.util.Locale.ROOT);
        if (n == null) {
            problems.error(path, "expected an integer (" + kind + "), got " + describe(value));
        } else if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
            problems.error(path, n + " is out of range for " + kind + " (expected: " + min + "-" + max + ")");
        }
    }

    private void checkEnum(JsonNode value, EnumDescriptor type, String path) {
        if (value.isTextual()) {
            if (type.findValueByName(value.textValue()) == null) {
                List<String> names = type.getValues().stream().map(v -> v.getName()).toList();
                problems.error(path, "unknown value \"" + value.textValue() + "\" (expected one of: "
                        + String.join(", ", names) + ")");
            }
        } else if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            problems.error(path, "expected the name of a " + type.getName() + " value, got " + describe(value));
        }
    }

    private static boolean parsesAsDecimal(String t) {
        try {
            new BigDecimal(t.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isBase64(String t) {
        try {
            Base64.getDecoder().decode(t);
            return true;
        } catch (IllegalArgumentException e) {
            try {
                Base64.getUrlDecoder().decode(t);
                return true;
            } catch (IllegalArgumentException e2) {
                return false;
            }
        }
    }

    private String unknownField(Descriptor type, String key) {
        String removed = REMOVED.get(type.getFullName() + "." + key);
        if (removed != null) {
            return removed;
        }
        if (key.equals("@type")) {
            return "unexpected \"@type\" (" + type.getName() + " is not an Any field)";
        }
        String message = "unknown field \"" + key + "\" in " + type.getFullName();
        String suggestion = closest(type, key);
        return suggestion == null ? message : message + " (did you mean \"" + suggestion + "\"?)";
    }

    private static String closest(Descriptor type, String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (FieldDescriptor f : type.getFields()) {
            int d = Math.min(distance(key, f.getName()), distance(key, f.getJsonName()));
            if (d < bestDistance) {
                bestDistance = d;
                best = f.getName();
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 4) ? best : null;
    }

    /** Levenshtein distance, for "did you mean" hints. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
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

    static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            String t = node.textValue();
            return "\"" + (t.length() > 60 ? t.substring(0, 60) + "..." : t) + "\"";
        }
        return node.toString();
    }
}
