package io.outrigger.bench.harness;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs one {@link LoadSpec}: opens the connections, paces them, prints progress once a second and
 * returns what was measured. Each connection lives on one event loop and records into that loop's
 * {@link WorkerStats}; nothing is shared between loops while the run goes on.
 */
public final class LoadRunner {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** How long to wait for the last responses after the measured period, at least. */
    private static final long MIN_DRAIN_NANOS = 5 * NANOS_PER_SECOND;

    private final LongSupplier nanoTime;
    private final int threads;

    /** A runner with the system clock and one event loop per connection, up to the number of cores. */
    public LoadRunner() {
        this(System::nanoTime, 0);
    }

    /**
     * @param nanoTime the clock intended and completion times are read from
     * @param threads  event loops to spread the connections over, 0 for min(connections, cores)
     */
    public LoadRunner(LongSupplier nanoTime, int threads) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (threads < 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0, 0 for automatic)");
        }
        this.threads = threads;
    }

    /** Runs the spec; {@code progress} receives a line about once a second, on the calling thread. */
    public LoadResult run(LoadSpec spec, Consumer<Progress> progress) throws IOException, InterruptedException {
        return run(spec, progress, PhaseListener.NONE);
    }

    /**
     * Runs the spec; {@code progress} receives a line about once a second and {@code phases} hears
     * when the measured period starts and ends, both on the calling thread.
     */
    public LoadResult run(LoadSpec spec, Consumer<Progress> progress, PhaseListener phases)
            throws IOException, InterruptedException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(phases, "phases");
        Transport transport = Transport.best();
        int n = threads > 0 ? threads : Math.min(spec.connections(), Runtime.getRuntime().availableProcessors());
        MultiThreadIoEventLoopGroup group = transport.newGroup(n, "loadgen");
        ByteBuf root = sharedBuffer(spec);
        // Handlers write duplicates of one read-only buffer; only this method releases it.
        ByteBuf shared = Unpooled.unreleasableBuffer(root);
        try {
            Map<EventExecutor, WorkerStats> statsByLoop = new IdentityHashMap<>();
            for (EventExecutor e : group) {
                statsByLoop.put(e, new WorkerStats());
            }
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(transport.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                    .handler(initializer(spec, shared, spec.tls() == null ? null : spec.tls().clientContext()));
            CountDownLatch finished = new CountDownLatch(spec.connections());
            List<Lane> lanes = new ArrayList<>(spec.connections());
            for (int i = 0; i < spec.connections(); i++) {
                EventLoop loop = group.next();
                lanes.add(new Lane(i, loop, statsByLoop.get(loop), bootstrap, spec.target(), finished));
            }
            connectAll(spec, lanes);

            long interval = spec.openLoop() ? Math.round(NANOS_PER_SECOND * spec.connections() / spec.rate()) : 0;
            // A little slack so every lane is started before the first request is due.
            long start = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(20);
            long measureStart = start + spec.warmup().toNanos();
            long end = measureStart + spec.duration().toNanos();
            RunClock clock = new RunClock(nanoTime, start, measureStart, end);
            for (Lane lane : lanes) {
                // Stagger the lanes so that N connections at rate R/N add up to an even rate R.
                long phase = start + interval * lane.index / spec.connections();
                lane.loop.execute(() -> lane.start(clock, phase, interval));
            }

            Collector collector = new Collector(statsByLoop.values(), nanoTime);
            long deadline = end + Math.max(MIN_DRAIN_NANOS, spec.duration().toNanos() / 4);
            long nextTick = start + NANOS_PER_SECOND;
            boolean measuring = false;
            boolean measured = false;
            while (true) {
                long now = nanoTime.getAsLong();
                if (now >= deadline) {
                    break;
                }
                long wakeAt = Math.min(nextTick, deadline);
                if (!measuring) {
                    wakeAt = Math.min(wakeAt, measureStart);
                } else if (!measured) {
                    wakeAt = Math.min(wakeAt, end);
                }
                if (finished.await(Math.max(0, wakeAt - now), TimeUnit.NANOSECONDS)) {
                    break;
                }
                now = nanoTime.getAsLong();
                if (!measuring && now >= measureStart) {
                    measuring = true;
                    phases.measureStarted();
                }
                if (measuring && !measured && now >= end) {
                    measured = true;
                    phases.measureEnded();
                }
                if (now >= nextTick) {
                    String phase = now < measureStart ? "warm-up" : now < end ? "measure" : "drain";
                    progress.accept(collector.tick((now - start) / 1e9, phase));
                    nextTick += NANOS_PER_SECOND;
                }
            }
            if (!measuring) {
                phases.measureStarted();
            }
            if (!measured) {
                phases.measureEnded();
            }
            abandonUnfinished(lanes);
            collector.collect();
            return new LoadResult(spec, collector.total, collector.totalUncorrected, collector.sum(s -> s.completed),
                    collector.sum(s -> s.errors), collector.sum(s -> s.bytesSent), collector.sum(s -> s.bytesReceived),
                    spec.duration().toNanos() / 1e9);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            root.release();
        }
    }

    private static void connectAll(LoadSpec spec, List<Lane> lanes) throws IOException, InterruptedException {
        List<ChannelFuture> futures = new ArrayList<>(lanes.size());
        for (Lane lane : lanes) {
            futures.add(lane.connect());
        }
        for (ChannelFuture f : futures) {
            if (!f.await(10, TimeUnit.SECONDS) || !f.isSuccess()) {
                Throwable cause = f.cause();
                throw new IOException("cannot connect to " + spec.target() + ": "
                        + (cause == null ? "timed out after 10 s" : cause.getMessage()), cause);
            }
        }
    }

    /** Requests still in flight at the deadline never completed: they count as errors. */
    private static void abandonUnfinished(List<Lane> lanes) throws InterruptedException {
        for (Lane lane : lanes) {
            io.netty.util.concurrent.Future<?> f = lane.loop.submit(() -> {
                if (!lane.done) {
                    Channel ch = lane.channel;
                    LaneHandler h = ch == null ? null : ch.pipeline().get(LaneHandler.class);
                    if (h != null) {
                        lane.stats.errors(h.abandonInFlight());
                    }
                    lane.finish();
                }
            });
            f.await(5, TimeUnit.SECONDS);
        }
    }

    /** The one buffer every connection writes duplicates of. */
    private static ByteBuf sharedBuffer(LoadSpec spec) {
        return switch (spec.protocol()) {
            case HTTP1 -> Http1Exchange.encodeRequest(spec);
            case H2C, TCP_RR, TCP_BULK -> {
                ByteBuf b = Unpooled.directBuffer(spec.payloadBytes());
                b.writerIndex(spec.payloadBytes());
                b.setCharSequence(0, "x".repeat(spec.payloadBytes()), java.nio.charset.StandardCharsets.US_ASCII);
                yield b;
            }
        };
    }

    private static ChannelInitializer<Channel> initializer(LoadSpec spec, ByteBuf shared, SslContext tls) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (tls != null) {
                    // Requests written before the handshake completes wait inside the SslHandler.
                    p.addLast(tls.newHandler(ch.alloc(), spec.target().getHostString(), spec.target().getPort()));
                }
                switch (spec.protocol()) {
                    case HTTP1 -> p.addLast(new HttpResponseDecoder(), new Http1Exchange(shared));
                    case H2C -> p.addLast(Http2FrameCodecBuilder.forClient().autoAckSettingsFrame(true).build(),
                            new H2Exchange.StreamFactory(), new H2Exchange(spec, shared));
                    case TCP_RR -> p.addLast(new TcpEchoExchange(shared));
                    case TCP_BULK -> p.addLast(new BulkHandler(shared));
                }
            }
        };
    }

    /** Runs on the runner's thread only: the one reader of every worker's recorders. */
    private static final class Collector {
        final Histogram total = WorkerStats.newHistogram();
        final Histogram totalUncorrected = WorkerStats.newHistogram();
        private final Histogram interval = WorkerStats.newHistogram();
        private final Histogram tick = WorkerStats.newHistogram();
        private final List<WorkerStats> workers;
        private long lastCount;
        private long lastReceived;
        private final LongSupplier nanoTime;
        private long lastTickNanos;

        Collector(java.util.Collection<WorkerStats> workers, LongSupplier nanoTime) {
            this.workers = List.copyOf(workers);
            this.nanoTime = nanoTime;
            this.lastTickNanos = nanoTime.getAsLong();
        }

        void collect() {
            tick.reset();
            for (WorkerStats w : workers) {
                w.corrected.getIntervalHistogramInto(interval);
                total.add(interval);
                tick.add(interval);
                w.uncorrected.getIntervalHistogramInto(interval);
                totalUncorrected.add(interval);
            }
        }

        Progress tick(double elapsedSeconds, String phase) {
            collect();
            long count = sum(s -> s.completed + s.warmupCompleted);
            long received = sum(s -> s.bytesReceived);
            long now = nanoTime.getAsLong();
            double seconds = Math.max(1e-3, (now - lastTickNanos) / 1e9);
            Progress p = new Progress(elapsedSeconds, phase, count - lastCount, (count - lastCount) / seconds,
                    tick.getTotalCount() == 0 ? Double.NaN : tick.getValueAtPercentile(50) / 1e6,
                    tick.getTotalCount() == 0 ? Double.NaN : tick.getValueAtPercentile(99) / 1e6,
                    sum(s -> s.errors), (received - lastReceived) / seconds / 1e6);
            lastCount = count;
            lastReceived = received;
            lastTickNanos = now;
            return p;
        }

        long sum(java.util.function.ToLongFunction<WorkerStats> f) {
            long s = 0;
            for (WorkerStats w : workers) {
                s += f.applyAsLong(w);
            }
            return s;
        }
    }
}
