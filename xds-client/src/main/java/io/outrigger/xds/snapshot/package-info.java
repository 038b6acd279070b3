/**
 * The immutable configuration model that everything past xds-client reads. No protobuf type
 * appears here: decoders turn Envoy v3 resources (from a bootstrap or from xDS) into these records,
 * which have value equality so that an identical update can be dropped before it reaches the data
 * path. Durations are {@link java.time.Duration}; absent optional values are {@code null} only
 * where a record's javadoc says so.
 */
package io.outrigger.xds.snapshot;
