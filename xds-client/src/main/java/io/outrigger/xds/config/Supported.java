package io.outrigger.xds.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The rule that makes partial support visible: every field set in a message must be one we
 * implement, or one we knowingly ignore (with a warning); anything else is an error naming the
 * field. Protobuf reports only fields that are set, so defaults never trip this.
 */
final class Supported {
    private Supported() {
    }

    /**
     * @param supported proto field names we implement
     * @param ignored proto field names we accept and ignore, each with the reason shown in the warning
     */
    static void check(Message message, String path, Problems problems, Set<String> supported,
                      Map<String, String> ignored) {
        // Only the fields outside the supported set are looked at; getAllFields() would build a
        // sorted map of every set field of every endpoint of every cluster.
        for (FieldDescriptor field : outside(message.getDescriptorForType(), supported)) {
            if (field.isRepeated() ? message.getRepeatedFieldCount(field) == 0 : !message.hasField(field)) {
                continue;
            }
            String name = field.getName();
            String fieldPath = Problems.path(path, name);
            String reason = ignored.get(name);
            if (reason != null) {
                problems.warn(fieldPath, "ignored: " + reason);
                continue;
            }
            problems.error(fieldPath, "unsupported field of " + message.getDescriptorForType().getName()
                    + " (Outrigger implements: " + (supported.isEmpty() ? "no fields" : String.join(", ", sorted(supported))) + ")");
        }
    }

    private record Key(Descriptor type, Set<String> supported) {
    }

    private static final Map<Key, List<FieldDescriptor>> OUTSIDE = new ConcurrentHashMap<>();

    private static List<FieldDescriptor> outside(Descriptor type, Set<String> supported) {
        return OUTSIDE.computeIfAbsent(new Key(type, supported),
                k -> k.type().getFields().stream().filter(f -> !k.supported().contains(f.getName())).toList());
    }

    static void check(Message message, String path, Problems problems, Set<String> supported) {
        check(message, path, problems, supported, Map.of());
    }

    private static java.util.List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    /** A Duration as java.time, or {@code null} with a problem when negative or out of range. */
    static java.time.Duration duration(Duration d, String path, Problems problems, boolean allowZero) {
        if (d.getSeconds() < 0 || d.getNanos() < 0) {
            problems.error(path, "negative duration " + format(d) + " (expected: >= 0s)");
            return null;
        }
        if (!allowZero && d.getSeconds() == 0 && d.getNanos() == 0) {
            problems.error(path, "0s (expected: > 0s)");
            return null;
        }
        return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    static String format(Duration d) {
        return com.google.protobuf.util.Durations.toString(d);
    }

    /**
     * Struct values flattened for the snapshot: strings kept as they are, anything else as its
     * compact JSON text, keys in the order written.
     */
    static Map<String, String> flatten(Struct struct, String keyPrefix) {
        Map<String, String> out = new LinkedHashMap<>();
        struct.getFieldsMap().forEach((k, v) -> out.put(keyPrefix + k, valueText(v)));
        return out;
    }

    static String valueText(Value v) {
        if (v.getKindCase() == Value.KindCase.STRING_VALUE) {
            return v.getStringValue();
        }
        return toJson(v).toString();
    }

    /** JSON as written: Struct numbers are doubles, but {@code 2} should read back as 2, not 2.0. */
    private static JsonNode toJson(Value v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> f.nullNode();
            case BOOL_VALUE -> f.booleanNode(v.getBoolValue());
            case STRING_VALUE -> f.textNode(v.getStringValue());
            case NUMBER_VALUE -> {
                double d = v.getNumberValue();
                yield d == Math.rint(d) && Math.abs(d) < 0x1p53 ? f.numberNode((long) d) : f.numberNode(d);
            }
            case LIST_VALUE -> {
                ArrayNode a = f.arrayNode();
                v.getListValue().getValuesList().forEach(e -> a.add(toJson(e)));
                yield a;
            }
            case STRUCT_VALUE -> {
                ObjectNode o = f.objectNode();
                v.getStructValue().getFieldsMap().forEach((k, e) -> o.set(k, toJson(e)));
                yield o;
            }
        };
    }
}
