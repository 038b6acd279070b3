package io.outrigger.proxy.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;

/**
 * What happened to one request, for access logs and metrics (the hook for Istio-style stats):
 * written once when the request completes, never changed afterwards.
 *
 * @param requestHeaders the downstream request headers as received (pseudo-headers as
 *                       {@code :method}, {@code :path}, {@code :authority} are in the fields)
 * @param responseHeaders the response headers sent, or {@code null} when none were
 * @param responseCode 0 when no response was sent
 * @param responseFlags Envoy's flags (see {@link #responseFlagsText()})
 * @param upstreamCluster the cluster the request was routed to, or {@code null}
 * @param upstreamHost the last upstream host tried ({@code ip:port}), or {@code null}
 * @param upstreamServiceTimeMillis time to the upstream response head, or -1
 * @param attempts upstream attempts made (1 + retries)
 */
public record StreamInfo(Instant startTime, String method, String path, String authority, String protocol,
                         HttpHeaders requestHeaders, HttpHeaders responseHeaders, int responseCode, int responseFlags,
                         String responseCodeDetails, long bytesReceived, long bytesSent, long durationMillis,
                         long upstreamServiceTimeMillis, String upstreamCluster, String upstreamHost, String routeName,
                         String downstreamRemoteAddress, int attempts) {
    /** The flags as Envoy's {@code %RESPONSE_FLAGS%} prints them ("-" when none). */
    public String responseFlagsText() {
        return ResponseFlags.format(responseFlags);
    }
}
