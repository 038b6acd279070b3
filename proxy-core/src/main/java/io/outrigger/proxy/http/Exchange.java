package io.outrigger.proxy.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.outrigger.lb.Host;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.cluster.HostSet;
import io.outrigger.proxy.cluster.UpstreamHost;
import io.outrigger.proxy.http.route.RouteEntry;
import io.outrigger.proxy.http.upstream.ClusterHttp;
import io.outrigger.proxy.http.upstream.UpstreamAttempt;
import io.outrigger.proxy.http.upstream.UpstreamCallbacks;
import io.outrigger.proxy.http.upstream.UpstreamPools;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.UpstreamHttpSpec;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One request through the connection manager, from its head to the end of its response: routing,
 * the fault filter, the router (cluster and host choice, upstream attempts, retries with backoff,
 * route and per-try timeouts, circuit breaking), and the response back, then access log and stats.
 *
 * <p>Runs entirely on its downstream's event loop, as do its upstream attempts. Request body chunks
 * are kept (up to the connection manager's buffer limit) so a retry can resend them; each attempt
 * gets retained duplicates, and the kept chunks are released when the exchange ends.
 */
final class Exchange implements UpstreamCallbacks {
    private final HttpChain chain;
    private final HttpContext ctx;
    private final Downstream down;
    private final long startNanos;
    private final Instant startTime;
    private HttpRequest request;
    private HttpHeaders loggedRequestHeaders;
    private String method = "-";
    private String path = "-";
    private String authority = "";
    private boolean grpc;

    private RouteEntry route;
    private RouteActionSpec.Forward forward;
    private ClusterHttp cluster;
    private UpstreamPools pools;
    private RetryRules retry;
    private boolean upstreamHttp2;
    private String upstreamPath;
    private HttpHeaders upstreamHeaders;

    private final ArrayList<HttpContent> body = new ArrayList<>(2);
    private long bodyBytes;
    private boolean bodyNotReplayable;
    private boolean requestEnded;
    private boolean forwarding;

    private UpstreamAttempt attempt;
    private UpstreamAttempt endedAttempt;
    private boolean attemptReady;
    private int attemptSent;
    private long attemptStartNanos;
    private int attempts;
    private int retries;
    private boolean retryHeld;
    private boolean requestHeld;
    private final ArrayList<UpstreamHost> tried = new ArrayList<>(2);
    private UpstreamHost lastHost;

    private ScheduledFuture<?> routeTimer;
    private ScheduledFuture<?> perTryTimer;
    private ScheduledFuture<?> pendingTask;
    private boolean faultHeld;

    private boolean responseStarted;
    private boolean done;
    private int responseCode;
    private HttpHeaders responseHeaders;
    private int flags;
    private String details;
    private long bytesReceived;
    private long bytesSent;
    private long upstreamServiceTimeMillis = -1;

    Exchange(HttpChain chain, Downstream down) {
        this.chain = chain;
        this.ctx = chain.context();
        this.down = down;
        this.startNanos = ctx.nanoTime();
        this.startTime = ctx.clock().instant();
        chain.stats().downstreamRqTotal().increment();
        chain.stats().downstreamRqActive().increment();
    }

    boolean isDone() {
        return done;
    }

    boolean responseStarted() {
        return responseStarted;
    }

    // ---- downstream request ----

    /** The request head; ownership of {@code req} passes here (a full request also carries the body). */
    void onHead(HttpRequest req) {
        this.request = req;
        HttpHeaders h = req.headers();
        String scheme = h.get("x-http2-scheme", "http");
        HeaderOps.stripHopByHop(h);
        h.remove(HttpHeaderNames.EXPECT); // 100-continue was answered by the codec, as Envoy does
        method = req.method().name();
        path = req.uri();
        authority = h.get(HttpHeaderNames.HOST, "");
        String ct = h.get(HttpHeaderNames.CONTENT_TYPE);
        grpc = ct != null && ct.startsWith("application/grpc");
        HttpConnectionManagerSpec spec = chain.spec();
        if (!h.contains("x-request-id") && spec.generateRequestId()) {
            h.set("x-request-id", new UUID(ctx.random().nextLong() & 0xffffffffffff0fffL | 0x4000L,
                    ctx.random().nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L).toString());
        }
        if (!h.contains("x-forwarded-proto")) {
            h.set("x-forwarded-proto", scheme);
        }
        if (spec.useRemoteAddress() && down.remoteAddress() != null) {
            String ip = down.remoteAddress().getAddress().getHostAddress();
            String xff = h.get("x-forwarded-for");
            h.set("x-forwarded-for", xff == null ? ip : xff + "," + ip);
        }
        if (!chain.accessLogs().isEmpty()) {
            loggedRequestHeaders = new DefaultHttpHeaders().set(h);
        }
        route = chain.routes().route(new NettyRequestHead(req, scheme));
        if (route == null) {
            chain.stats().noRoute().increment();
            localReply(404, null, ResponseFlags.NR, "route_not_found");
            return;
        }
        FaultInjector fault = chain.fault();
        if (fault != null) {
            FaultInjector.Decision d = fault.decide(ctx.random().nextLong(), ctx.random().nextLong(), h::get);
            if (d.any()) {
                if (!fault.tryStart()) {
                    chain.stats().faultActiveOverflow().increment();
                } else {
                    faultHeld = true;
                    if (d.delayNanos() > 0) {
                        flags |= ResponseFlags.DI;
                        chain.stats().faultDelaysInjected().increment();
                        pendingTask = down.eventLoop().schedule(() -> afterDelay(d), d.delayNanos(), TimeUnit.NANOSECONDS);
                        return;
                    }
                    if (abortByFault(d)) {
                        return;
                    }
                }
            }
        }
        dispatch();
    }

    private void afterDelay(FaultInjector.Decision d) {
        pendingTask = null;
        if (done) {
            return;
        }
        if (!abortByFault(d)) {
            dispatch();
        }
    }

    private boolean abortByFault(FaultInjector.Decision d) {
        if (d.abortHttpStatus() > 0) {
            flags |= ResponseFlags.FI;
            chain.stats().faultAbortsInjected().increment();
            localReply(d.abortHttpStatus(), LocalReplies.FAULT_ABORT, 0, "fault_filter_abort");
            return true;
        }
        if (d.abortGrpcStatus() >= 0) {
            flags |= ResponseFlags.FI;
            chain.stats().faultAbortsInjected().increment();
            sendLocal(LocalReplies.grpc(d.abortGrpcStatus(), LocalReplies.FAULT_ABORT), "fault_filter_abort");
            return true;
        }
        return false;
    }

    private void dispatch() {
        switch (route.action()) {
            case RouteActionSpec.DirectResponse d -> {
                chain.stats().rqDirectResponse().increment();
                FullHttpResponse r = LocalReplies.reply(down.alloc(), d.status(), d.body(), false);
                sendLocal(r, "direct_response");
            }
            case RouteActionSpec.Redirect r -> {
                chain.stats().rqRedirect().increment();
                FullHttpResponse resp = LocalReplies.reply(down.alloc(), r.responseCode(), null, false);
                resp.headers().set(HttpHeaderNames.LOCATION, Redirects.location(r, route, request, authority));
                sendLocal(resp, "redirect");
            }
            case RouteActionSpec.Forward f -> startForwarding(f);
        }
    }

    private void startForwarding(RouteActionSpec.Forward f) {
        forward = f;
        String clusterName;
        ClusterRuntime runtime;
        if (f.clusterHeader() != null) {
            clusterName = request.headers().get(f.clusterHeader());
            pools = clusterName == null ? null : ctx.pools(clusterName);
        } else {
            int i = route.clusterCount() == 1 ? 0 : route.pickCluster(ctx.random().nextLong());
            clusterName = route.clusterName(i);
            pools = ctx.pools(clusterName);
        }
        runtime = pools == null ? null : pools.cluster().cluster();
        if (runtime == null) {
            localReply(f.clusterHeader() != null && clusterName == null ? 404 : 503, null, ResponseFlags.NC, "cluster_not_found");
            return;
        }
        if (runtime.transportSocket() != null) {
            // The upstream pools speak cleartext only: a TLS cluster is refused rather than sent plaintext.
            localReply(503, null, ResponseFlags.UF, "upstream_tls_not_supported_for_http");
            return;
        }
        cluster = pools.cluster();
        retry = f.retryPolicy() == null ? null : new RetryRules(f.retryPolicy());
        UpstreamHttpSpec.Protocol p = cluster.spec().protocol();
        upstreamHttp2 = p == UpstreamHttpSpec.Protocol.HTTP2 || (p == UpstreamHttpSpec.Protocol.USE_DOWNSTREAM && down.http2());
        upstreamPath = route.rewritePath(path, f.prefixRewrite());
        upstreamHeaders = request.headers();
        if (!upstreamPath.equals(path)) {
            upstreamHeaders.set("x-envoy-original-path", path);
        }
        if (f.hostRewriteLiteral() != null) {
            upstreamHeaders.set(HttpHeaderNames.HOST, f.hostRewriteLiteral());
        }
        HeaderOps.apply(upstreamHeaders, route.requestMutations());
        if (!cluster.breaker().tryAcquireRequest()) {
            cluster.rqPendingOverflow.increment();
            localReply(503, LocalReplies.resetBody("overflow"), ResponseFlags.UO, "overflow");
            return;
        }
        requestHeld = true;
        forwarding = true;
        if (requestEnded) {
            armRouteTimer();
        }
        startAttempt();
    }

    /** Body from the downstream; ownership passes here. */
    void onContent(HttpContent c) {
        bytesReceived += c.content().readableBytes();
        boolean last = c instanceof LastHttpContent;
        if (done) {
            c.release();
            return;
        }
        if (request == null) {
            c.release();
            return;
        }
        bodyBytes += c.content().readableBytes();
        body.add(c);
        if (bodyBytes > chain.spec().limits().maxRequestBodyBytes()) {
            bodyNotReplayable = true; // streamed on; no retry can resend it
        }
        if (last) {
            requestEnded = true;
            if (forwarding) {
                armRouteTimer();
                armPerTryTimer();
            }
        }
        if (attemptReady) {
            sendBody();
            attempt.flush();
            if (!attempt.isWritable()) {
                down.setReading(false);
            }
        }
    }

    /** The downstream went away (connection closed, stream reset) before the exchange ended. */
    void onDownstreamClosed() {
        if (done) {
            return;
        }
        flags |= ResponseFlags.DC;
        if (attempt != null) {
            attempt.cancel();
            attempt = null;
        }
        complete(false);
    }

    void onDownstreamWritable() {
        if (attempt != null && attemptReady && !done) {
            attempt.setReading(true);
        }
    }

    // ---- attempts ----

    private void startAttempt() {
        UpstreamHost host = pickHost();
        if (host == null) {
            cluster.cluster().stats().upstreamCxNoneHealthy().increment();
            localReply(503, LocalReplies.NO_HEALTHY_UPSTREAM, ResponseFlags.UH, "no_healthy_upstream");
            return;
        }
        lastHost = host;
        tried.add(host);
        attempts++;
        attemptReady = false;
        attemptSent = 0;
        attemptStartNanos = ctx.nanoTime();
        cluster.rqTotal.increment();
        host.stats().rqActive().increment();
        cluster.cluster().hostSet().loadBalancer().requestStarted(host.host());
        UpstreamAttempt a = pools.start(down.eventLoop(), host, upstreamHttp2, this);
        if (attempt == null && !attemptReady) {
            attempt = a;
        }
        if (requestEnded) {
            armPerTryTimer();
        }
    }

    private UpstreamHost pickHost() {
        ClusterRuntime c = cluster.cluster();
        if (c.originalDst()) {
            // ORIGINAL_DST: the one host is where the client meant to go (as for tcp_proxy).
            InetSocketAddress destination = down.originalDestination();
            return destination == null ? null : c.originalDstHost(destination);
        }
        HostSet hs = c.hostSet();
        long maxTries = retry != null && retry.spec.previousHosts() ? Math.max(1, retry.spec.hostSelectionMaxAttempts()) : 1;
        UpstreamHost chosen = null;
        for (long i = 0; i < maxTries; i++) {
            Host h = hs.loadBalancer().pick(ctx.random().nextLong());
            chosen = hs.upstream(h);
            if (chosen == null && h != null) {
                // The balancer moved to a newer membership after hs was read (an update in
                // flight): its hosts are published before it, so the current set has the pick.
                hs = cluster.cluster().hostSet();
                chosen = hs.upstream(h);
            }
            if (chosen == null || !tried.contains(chosen)) {
                break;
            }
        }
        return chosen;
    }

    /** Releases what an attempt holds (host and balancer accounting, per-try timer, retry slot); once per attempt. */
    private void endAttempt(UpstreamAttempt a) {
        if (a == endedAttempt) {
            return;
        }
        endedAttempt = a;
        a.host().stats().rqActive().decrement();
        cluster.cluster().hostSet().loadBalancer().requestFinished(a.host().host());
        cancel(perTryTimer);
        perTryTimer = null;
        if (retryHeld) {
            retryHeld = false;
            cluster.breaker().releaseRetry();
        }
    }

    @Override
    public void onUpstreamReady(UpstreamAttempt a) {
        if (done || (attempt != null && a != attempt)) {
            return;
        }
        attempt = a;
        attemptReady = true;
        String uri = upstreamPath;
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), uri, upstreamHeaders.copy());
        if (!upstreamHttp2 && !head.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && !(requestEnded && bodyBytes == 0)) {
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        }
        a.write(head);
        sendBody();
        a.flush();
    }

    /** Writes the body chunks this attempt has not had yet. */
    private void sendBody() {
        boolean keep = retry != null && !bodyNotReplayable;
        while (attemptSent < body.size()) {
            HttpContent c = body.get(attemptSent);
            if (keep) {
                attempt.write(c.retainedDuplicate());
                attemptSent++;
            } else {
                // Not kept for retries: hand the chunk itself over.
                body.remove(attemptSent);
                attempt.write(c);
            }
        }
    }

    @Override
    public void onUpstreamHead(UpstreamAttempt a, HttpResponse head) {
        if (done || a != attempt) {
            ReferenceCountUtil.release(head);
            return;
        }
        int status = head.status().code();
        upstreamServiceTimeMillis = TimeUnit.NANOSECONDS.toMillis(ctx.nanoTime() - attemptStartNanos);
        cluster.reportStatus(a.host().host(), status);
        int grpcStatus = grpcStatus(head.headers());
        if (!responseStarted && retry != null && retry.retriable(status, grpcStatus)) {
            if (retries < retry.spec.numRetries() && !bodyNotReplayable) {
                endAttempt(a);
                if (canRetry()) {
                    ReferenceCountUtil.release(head);
                    a.cancel();
                    scheduleRetry();
                    return;
                }
            }
            if (retries >= retry.spec.numRetries() && retry.spec.numRetries() > 0) {
                flags |= ResponseFlags.URX;
            }
        }
        cancel(perTryTimer);
        if (retries > 0) {
            cluster.rqRetrySuccess.increment();
        }
        switch (status / 100) {
            case 2 -> cluster.rq2xx.increment();
            case 4 -> cluster.rq4xx.increment();
            case 5 -> cluster.rq5xx.increment();
            default -> {
            }
        }
        HttpHeaders rh = head.headers();
        HeaderOps.stripHopByHop(rh);
        rh.set("x-envoy-upstream-service-time", upstreamServiceTimeMillis);
        serverHeader(rh);
        HeaderOps.apply(rh, route.responseMutations());
        responseStarted = true;
        responseCode = status;
        responseHeaders = rh;
        details = "via_upstream";
        boolean full = head instanceof FullHttpResponse;
        if (full) {
            bytesSent += ((FullHttpResponse) head).content().readableBytes();
        }
        down.write(head);
        if (full) {
            endAttempt(a);
            down.flush();
            complete(false);
        }
    }

    @Override
    public void onUpstreamContent(UpstreamAttempt a, HttpContent content) {
        if (done || a != attempt || !responseStarted) {
            content.release();
            return;
        }
        bytesSent += content.content().readableBytes();
        boolean last = content instanceof LastHttpContent;
        down.write(content);
        if (last) {
            endAttempt(a);
            down.flush();
            complete(false);
            return;
        }
        down.flush();
        if (!down.isWritable()) {
            a.setReading(false);
        }
    }

    @Override
    public void onUpstreamWritable(UpstreamAttempt a) {
        if (a == attempt && !done) {
            down.setReading(true);
        }
    }

    @Override
    public void onUpstreamFailure(UpstreamAttempt a, Failure failure, Throwable cause) {
        if (done || (attempt != null && a != attempt)) {
            return;
        }
        attempt = a;
        endAttempt(a);
        if (failure != Failure.OVERFLOW) {
            cluster.reportLocalFailure(a.host().host());
        }
        if (responseStarted) {
            // Mid-response: nothing to retry or replace; pass the reset on.
            flags |= ResponseFlags.UR;
            down.reset();
            complete(true);
            return;
        }
        if (retry != null && retry.retriable(failure)) {
            if (canRetry()) {
                a.cancel();
                scheduleRetry();
                return;
            }
            if (retries >= retry.spec.numRetries() && retry.spec.numRetries() > 0) {
                flags |= ResponseFlags.URX;
            }
        }
        switch (failure) {
            case CONNECT_FAILURE -> localReply(503, LocalReplies.resetBody("connection failure"), ResponseFlags.UF,
                    "upstream_reset_before_response_started{connection_failure}");
            case RESET, REFUSED_STREAM -> localReply(503, LocalReplies.resetBody(failure == Failure.RESET
                    ? "connection termination" : "remote refused stream reset"), ResponseFlags.UC,
                    "upstream_reset_before_response_started{connection_termination}");
            case OVERFLOW -> localReply(503, LocalReplies.resetBody("overflow"), ResponseFlags.UO, "overflow");
        }
    }

    private boolean canRetry() {
        if (retry == null || retries >= retry.spec.numRetries() || bodyNotReplayable) {
            return false;
        }
        if (!cluster.breaker().tryAcquireRetry()) {
            cluster.rqRetryOverflow.increment();
            return false;
        }
        retryHeld = true;
        return true;
    }

    private void scheduleRetry() {
        retries++;
        cluster.rqRetry.increment();
        attempt = null;
        attemptReady = false;
        long wait = retry.backoffNanos(retries, ctx.random().nextLong());
        pendingTask = down.eventLoop().schedule(() -> {
            pendingTask = null;
            if (!done) {
                startAttempt();
            }
        }, wait, TimeUnit.NANOSECONDS);
    }

    // ---- timers ----

    private void armRouteTimer() {
        if (routeTimer != null || forward == null) {
            return;
        }
        long nanos = forward.timeout().toNanos();
        if (forward.maxGrpcTimeout() != null && grpc) {
            long g = GrpcTimeout.parseNanos(request.headers().get("grpc-timeout"));
            if (g > 0) {
                long cap = forward.maxGrpcTimeout().toNanos();
                nanos = cap > 0 ? Math.min(g, cap) : g;
            }
        }
        if (nanos <= 0) {
            return;
        }
        routeTimer = down.eventLoop().schedule(this::onRouteTimeout, nanos, TimeUnit.NANOSECONDS);
    }

    private void armPerTryTimer() {
        if (perTryTimer != null || retry == null || attempt == null && !attemptReady) {
            return;
        }
        long nanos = retry.spec.perTryTimeout().toNanos();
        if (nanos <= 0) {
            return;
        }
        UpstreamAttempt a = attempt;
        perTryTimer = down.eventLoop().schedule(() -> onPerTryTimeout(a), nanos, TimeUnit.NANOSECONDS);
    }

    private void onRouteTimeout() {
        routeTimer = null;
        if (done) {
            return;
        }
        cluster.rqTimeout.increment();
        chain.stats().downstreamRqTimeout().increment();
        flags |= ResponseFlags.UT;
        if (attempt != null) {
            endAttempt(attempt);
            attempt.cancel();
            attempt = null;
        }
        if (responseStarted) {
            down.reset();
            complete(true);
        } else {
            localReply(504, LocalReplies.UPSTREAM_TIMEOUT, 0, "response_timeout");
        }
    }

    private void onPerTryTimeout(UpstreamAttempt a) {
        perTryTimer = null;
        if (done || a != attempt || responseStarted) {
            return;
        }
        cluster.rqPerTryTimeout.increment();
        endAttempt(a);
        a.cancel();
        if (retry.retriableTimeout() && canRetry()) {
            scheduleRetry();
            return;
        }
        attempt = null;
        flags |= ResponseFlags.UT;
        localReply(504, LocalReplies.UPSTREAM_TIMEOUT, 0, "upstream_per_try_timeout");
    }

    // ---- local replies and completion ----

    private void localReply(int status, String body, int flag, String why) {
        flags |= flag;
        sendLocal(LocalReplies.reply(down.alloc(), status, body, grpc), why);
    }

    private void sendLocal(FullHttpResponse r, String why) {
        if (done || responseStarted) {
            r.release();
            return;
        }
        if (attempt != null) {
            endAttempt(attempt);
            attempt.cancel();
            attempt = null;
        }
        serverHeader(r.headers());
        if (route != null) {
            HeaderOps.apply(r.headers(), route.responseMutations());
        }
        responseStarted = true;
        responseCode = r.status().code();
        responseHeaders = r.headers();
        details = why;
        bytesSent += r.content().readableBytes();
        down.write(r);
        down.flush();
        complete(false);
    }

    private void serverHeader(HttpHeaders h) {
        HttpConnectionManagerSpec spec = chain.spec();
        switch (spec.serverHeader()) {
            case OVERWRITE -> h.set(HttpHeaderNames.SERVER, spec.serverName());
            case APPEND_IF_ABSENT -> {
                if (!h.contains(HttpHeaderNames.SERVER)) {
                    h.set(HttpHeaderNames.SERVER, spec.serverName());
                }
            }
            case PASS_THROUGH -> {
            }
        }
    }

    /** Ends the exchange: timers, held resources, stats, access log; then tells the downstream. */
    private void complete(boolean closeConnection) {
        if (done) {
            return;
        }
        done = true;
        if (attempt != null) {
            endAttempt(attempt);
        }
        cancel(routeTimer);
        cancel(perTryTimer);
        cancel(pendingTask);
        for (HttpContent c : body) {
            c.release();
        }
        body.clear();
        if (requestHeld) {
            cluster.breaker().releaseRequest();
        }
        if (retryHeld) {
            cluster.breaker().releaseRetry();
        }
        if (faultHeld) {
            chain.fault().finished();
        }
        chain.stats().downstreamRqActive().decrement();
        if (responseCode > 0) {
            chain.stats().responseCode(responseCode);
        }
        if (!chain.accessLogs().isEmpty()) {
            long duration = TimeUnit.NANOSECONDS.toMillis(ctx.nanoTime() - startNanos);
            StreamInfo info = new StreamInfo(startTime, method, path, authority, down.protocol(),
                    loggedRequestHeaders == null ? new DefaultHttpHeaders() : loggedRequestHeaders,
                    responseHeaders == null ? null : new DefaultHttpHeaders().set(responseHeaders), responseCode, flags,
                    details, bytesReceived, bytesSent, duration, upstreamServiceTimeMillis,
                    cluster == null ? null : cluster.cluster().name(),
                    lastHost == null ? null : lastHost.socketAddress().getAddress().getHostAddress() + ":" + lastHost.socketAddress().getPort(),
                    route == null ? null : route.name(),
                    down.remoteAddress() == null ? null : down.remoteAddress().getAddress().getHostAddress() + ":" + down.remoteAddress().getPort(),
                    attempts);
            ctx.accessLogs().log(chain.accessLogs(), info);
        }
        down.responseComplete(this, closeConnection);
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private static int grpcStatus(HttpHeaders h) {
        String s = h.get("grpc-status");
        if (s == null) {
            return -1;
        }
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
