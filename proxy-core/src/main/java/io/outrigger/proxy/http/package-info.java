/**
 * Envoy's {@code http_connection_manager} on Netty.
 *
 * <ul>
 *   <li>{@link io.outrigger.proxy.http.HttpInstaller}: codecs per {@code codec_type} (HTTP/1.1,
 *       HTTP/2 prior knowledge, AUTO by preface sniffing) and HTTP/2 abuse limits.</li>
 *   <li>{@code Http1ServerHandler} / {@code Http2StreamHandler}: the downstream side; one
 *       {@code Exchange} per request (HTTP/1.1 in order, pipelined requests held).</li>
 *   <li>{@code Exchange}: fault filter, router (weighted/header cluster choice, host pick, retries
 *       with jittered backoff and the retry budget, route and per-try timeouts, circuit breaking,
 *       outlier reports), local replies (gRPC-aware), access log and stats at the end.</li>
 *   <li>{@link io.outrigger.proxy.http.route}: routing as a pure function of the request head.</li>
 *   <li>{@link io.outrigger.proxy.http.upstream}: per event loop, per host HTTP/1.1 pools and
 *       multiplexed HTTP/2 connections; Netty's HttpObject model is the common language, so
 *       HTTP/1.1 and HTTP/2 translate in either direction through the codecs.</li>
 *   <li>{@link io.outrigger.proxy.http.StreamInfo}: the per-request record access logs use and
 *       metrics (Istio's) can consume.</li>
 * </ul>
 */
package io.outrigger.proxy.http;
