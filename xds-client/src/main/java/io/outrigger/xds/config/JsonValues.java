package io.outrigger.xds.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The rules for single JSON values that protobuf's JSON parser applies (integer ranges, enum names,
 * base64, number forms), checked here so that each failure carries its field path; and the wording
 * of unknown-field messages.
 */
final class JsonValues {

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

    private JsonValues() {
    }

    static void checkScalar(JsonNode value, FieldDescriptor field, String path, Problems problems) {
        switch (field.getJavaType()) {
            case INT -> checkInteger(value, field, path, unsigned(field) ? BigInteger.ZERO : BigInteger.valueOf(Integer.MIN_VALUE),
                    unsigned(field) ? BigInteger.valueOf(0xFFFF_FFFFL) : BigInteger.valueOf(Integer.MAX_VALUE), problems);
            case LONG -> checkInteger(value, field, path, unsigned(field) ? BigInteger.ZERO : BigInteger.valueOf(Long.MIN_VALUE),
                    unsigned(field) ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : BigInteger.valueOf(Long.MAX_VALUE), problems);
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
            case ENUM -> checkEnum(value, field.getEnumType(), path, problems);
            case MESSAGE -> throw new IllegalArgumentException(field.getFullName() + " is a message field, not a scalar");
        }
    }

    private static boolean unsigned(FieldDescriptor f) {
        return switch (f.getType()) {
            case UINT32, FIXED32, UINT64, FIXED64 -> true;
            default -> false;
        };
    }

    private static void checkInteger(JsonNode value, FieldDescriptor field, String path, BigInteger min, BigInteger max,
                                     Problems problems) {
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

    private static void checkEnum(JsonNode value, EnumDescriptor type, String path, Problems problems) {
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

    static String unknownField(Descriptor type, String key) {
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

