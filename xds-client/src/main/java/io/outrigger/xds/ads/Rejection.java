package io.outrigger.xds.ads;

import com.google.protobuf.Any;
import java.time.Instant;

/**
 * The last rejected update of a resource, shown as {@code error_state} in the config dump while
 * the last good version (if any) stays in force.
 */
record Rejection(String version, Any raw, String details, Instant lastUpdateAttempt) {
}
