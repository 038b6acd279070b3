package io.outrigger.xds.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import java.util.Collection;
import java.util.Set;

/**
 * Reads a JSON tree into an Envoy proto: first our path-aware check, then protobuf's JsonFormat
 * with a TypeRegistry holding exactly the message types the tree names in {@code @type}.
 */
final class ProtoJsonReader {
    private ProtoJsonReader() {
    }

    /** The parsed message, or {@code null} with the problems added to {@code problems}. */
    @SuppressWarnings("unchecked")
    static <T extends Message> T read(JsonNode node, T prototype, String path, Problems problems) {
        int before = problems.errorCount();
        ProtoJsonChecker checker = new ProtoJsonChecker(problems);
        checker.checkMessage(node, prototype.getDescriptorForType(), path);
        if (problems.errorCount() > before) {
            return null;
        }
        Message.Builder builder = prototype.newBuilderForType();
        try {
            JsonFormat.parser().usingTypeRegistry(registry(checker.anyTypes()))
                    .merge(ConfigText.toJson(node), builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // The checker should have caught this; still say where we were and what the parser said.
            problems.error(path, "could not be read as " + prototype.getDescriptorForType().getFullName()
                    + ": " + e.getMessage());
            return null;
        }
        return (T) builder.build();
    }

    static TypeRegistry registry(Collection<Descriptor> types) {
        return TypeRegistry.newBuilder().add(types).build();
    }

    /** A registry for printing {@code message}: every type packed in an Any anywhere inside it. */
    static TypeRegistry registryFor(Message message, Set<Descriptor> extra) {
        java.util.Set<Descriptor> types = new java.util.LinkedHashSet<>(extra);
        collectAnyTypes(message, types);
        return registry(types);
    }

    private static void collectAnyTypes(Message message, Set<Descriptor> into) {
        com.google.protobuf.Descriptors.Descriptor type = message.getDescriptorForType();
        if (type.getFullName().equals("google.protobuf.Any")) {
            // Inside a DynamicMessage an Any is not a com.google.protobuf.Any: read its two fields.
            String typeUrl = (String) message.getField(type.findFieldByName("type_url"));
            com.google.protobuf.ByteString value = (com.google.protobuf.ByteString) message.getField(type.findFieldByName("value"));
            MessageTypes.find(typeUrl).ifPresent(d -> {
                into.add(d);
                try {
                    // Each Any may hold different nested types, so look inside every one.
                    collectAnyTypes(com.google.protobuf.DynamicMessage.parseFrom(d, value), into);
                } catch (InvalidProtocolBufferException e) {
                    // Printing will then fail with protobuf's message; nothing more to find here.
                }
            });
            return;
        }
        message.getAllFields().forEach((field, value) -> {
            if (field.getJavaType() != com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                return;
            }
            if (field.isRepeated()) {
                for (Object o : (java.util.List<?>) value) {
                    collectAnyTypes((Message) o, into);
                }
            } else {
                collectAnyTypes((Message) value, into);
            }
        });
    }
}
