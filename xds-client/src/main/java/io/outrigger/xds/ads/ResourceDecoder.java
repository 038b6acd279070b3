package io.outrigger.xds.ads;

import com.google.protobuf.Message;
import io.outrigger.xds.config.ConfigException;

/**
 * Turns one xDS resource into its immutable record, or says everything wrong with it.
 *
 * <p>Called on the xDS thread for every resource of every response; the same decoders validate
 * bootstrap resources, so a resource means the same thing whether it came from a file or from the
 * control plane.
 *
 * @param <M> the Envoy v3 proto, e.g. {@code Cluster}
 * @param <T> the record, e.g. {@code ClusterSpec}
 */
@FunctionalInterface
public interface ResourceDecoder<M extends Message, T> {
    /**
     * @param resource the resource as received
     * @return the record, never {@code null}
     * @throws ConfigException listing every problem, each naming the resource and the field
     */
    T decode(M resource) throws ConfigException;
}
