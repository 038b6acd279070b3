package io.outrigger.proxy.http.upstream;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.outrigger.proxy.cluster.UpstreamHost;

/** A request on a pooled HTTP/1.1 connection. Event loop only. */
final class H1Attempt implements UpstreamAttempt {
    private final H1Pool pool;
    private final UpstreamHost host;
    private final UpstreamCallbacks callbacks;
    private H1Pool.Conn conn;
    private boolean cancelled;
    private boolean finished;
    private boolean requestDone;
    private boolean responseDone;
    private boolean keepAlive = true;

    H1Attempt(H1Pool pool, UpstreamHost host, UpstreamCallbacks callbacks) {
        this.pool = pool;
        this.host = host;
        this.callbacks = callbacks;
    }

    void attach(H1Pool.Conn c) {
        this.conn = c;
        conn.channel.config().setAutoRead(true);
        callbacks.onUpstreamReady(this);
    }

    boolean isCancelled() {
        return cancelled;
    }

    void fail(UpstreamCallbacks.Failure failure, Throwable cause) {
        if (cancelled || finished) {
            return;
        }
        finished = true;
        callbacks.onUpstreamFailure(this, failure, cause);
    }

    @Override
    public UpstreamHost host() {
        return host;
    }

    @Override
    public void write(HttpObject msg) {
        if (conn == null || cancelled || finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof LastHttpContent) {
            requestDone = true;
        }
        conn.channel.write(msg, conn.channel.voidPromise());
        if (requestDone && responseDone) {
            finish();
        }
    }

    @Override
    public void flush() {
        if (conn != null && !cancelled) {
            conn.channel.flush();
        }
    }

    @Override
    public boolean isWritable() {
        return conn == null || conn.channel.isWritable();
    }

    @Override
    public void setReading(boolean reading) {
        if (conn != null && !cancelled && !finished) {
            conn.channel.config().setAutoRead(reading);
        }
    }

    void onRead(Object msg) {
        if (cancelled || finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                conn.channel.close();
                return;
            }
            // 1xx other than 101 are interim: Envoy answers 100-continue itself and drops upstream ones.
            int code = r.status().code();
            if (code >= 100 && code < 200 && code != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            keepAlive = HttpUtil.isKeepAlive(r);
        }
        if (msg instanceof HttpResponse head && !(msg instanceof HttpContent)) {
            callbacks.onUpstreamHead(this, head);
            return;
        }
        if (msg instanceof HttpResponse head) {
            // A FullHttpResponse: head and body at once.
            callbacks.onUpstreamHead(this, head);
            responseEnded();
            return;
        }
        if (msg instanceof HttpContent c) {
            boolean last = c instanceof LastHttpContent;
            callbacks.onUpstreamContent(this, c);
            if (last) {
                responseEnded();
            }
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    private void responseEnded() {
        responseDone = true;
        if (requestDone) {
            finish();
        } else {
            // The server answered before reading the whole request: the connection cannot be reused.
            keepAlive = false;
            finish();
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        long max = pool.maxRequestsPerConnection();
        boolean reusable = keepAlive && requestDone && (max == 0 || conn.requests < max);
        pool.release(conn, reusable);
    }

    void onWritable() {
        if (!cancelled && !finished) {
            callbacks.onUpstreamWritable(this);
        }
    }

    void onClosed() {
        if (!cancelled && !finished) {
            finished = true;
            callbacks.onUpstreamFailure(this, UpstreamCallbacks.Failure.RESET, null);
        }
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (conn == null) {
            pool.removePending(this);
            return;
        }
        if (!finished) {
            finished = true;
            pool.release(conn, false);
        }
    }

    @Override
    public String protocol() {
        return "HTTP/1.1";
    }
}
