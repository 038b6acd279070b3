package io.outrigger.xds.config;

import com.google.protobuf.Message;
import java.util.Objects;
import java.util.Set;

/**
 * JSON of Envoy protos for the ADS client's config dump: the type registry that resolves every
 * {@code Any} inside a message (extensions included), as the bootstrap's own dump does.
 */
public final class XdsJson {
    private XdsJson() {
    }

    /** A registry with the type of every {@code Any} found in {@code message}, recursively. */
    public static com.google.protobuf.TypeRegistry registryFor(Message message) {
        return ProtoJsonReader.registryFor(Objects.requireNonNull(message, "message"), Set.of());
    }
}
