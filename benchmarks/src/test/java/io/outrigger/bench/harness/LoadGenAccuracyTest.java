package io.outrigger.bench.harness;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The load generator reports what a user would measure with a stopwatch: against a backend with a
 * known fixed delay the percentiles sit just above that delay, and a stall shows in the tail of an
 * open-loop run the way wrk2 and fortio show it, not as one outlier.
 */
@Timeout(20)
class LoadGenAccuracyTest {

    private static final Duration DELAY = Duration.ofMillis(20);
    private static final double DELAY_MS = 20.0;
    /** Our own overhead and loopback: the median must sit within 10 ms above the delay. */
    private static final double P50_SLACK_MS = 10.0;
    /**
     * The p99 (the 3rd-worst of ~300 samples) also gets 10 ms, plus what the machine itself stalled
     * during the run, measured by a {@link HiccupMeter}: a request wakes three threads (client timer,
     * backend timer, client reader), any of which the scheduler may wake as late as the worst stall
     * seen. On a quiet machine that adds a few milliseconds; on a loaded 2-core machine it is the
     * machine's noise, which no load generator can measure through.
     */
    private static final double P99_SLACK_MS = 10.0;
    private static final int WAKEUPS_PER_REQUEST = 3;

    /**
     * A fresh JVM spends its first seconds loading and compiling the codecs, which would show as
     * latency. Exercise every protocol once, unmeasured, so the tests see steady-state behaviour.
     */
    @BeforeAll
    static void warmUpTheJit() throws Exception {
        try (Backend backend = Backend.start(Backend.Options.defaults())) {
            for (Protocol p : new Protocol[] {Protocol.HTTP1, Protocol.H2C, Protocol.TCP_RR}) {
                InetSocketAddress target = p == Protocol.TCP_RR ? backend.tcpAddress() : backend.httpAddress();
                LoadSpec spec = LoadSpec.of(p, target, 2, 0, 128, Duration.ofSeconds(1)).withWarmup(Duration.ZERO);
                run(p == Protocol.H2C ? spec.withStreams(4) : spec);
            }
        }
    }

    private static LoadResult run(LoadSpec spec) throws IOException, InterruptedException {
        return new LoadRunner().run(spec, p -> { });
    }

    /** Runs the spec while measuring machine hiccups; returns the p99 bound that allows for them, and the worst hiccup. */
    private static double[] runWithP99Bound(LoadSpec spec, LoadResult[] out) throws Exception {
        HiccupMeter meter = HiccupMeter.start();
        out[0] = run(spec);
        double hiccupMaxMs = meter.stop().getMaxValue() / 1e6;
        return new double[] {DELAY_MS + P99_SLACK_MS + WAKEUPS_PER_REQUEST * hiccupMaxMs, hiccupMaxMs};
    }

    private static LoadSpec openLoop(Protocol protocol, InetSocketAddress target, int connections, double rate,
                                     int payload) {
        return LoadSpec.of(protocol, target, connections, rate, payload, Duration.ofSeconds(3))
                .withWarmup(Duration.ofMillis(500));
    }

    @Test
    void http1OpenLoopReportsTheBackendDelayAtP50AndP99() throws Exception {
        try (Backend backend = Backend.start(Backend.Options.defaults().withDelay(DELAY))) {
            // 100/s over 8 connections: each connection is busy 20 ms out of every 80, so nothing queues.
            LoadResult[] out = new LoadResult[1];
            double[] bound = runWithP99Bound(openLoop(Protocol.HTTP1, backend.httpAddress(), 8, 100, 0), out);
            LoadResult r = out[0];

            LatencySummary l = r.latency();
            assertThat(r.errors()).isZero();
            assertThat(r.completed()).isCloseTo(300, within(15L));
            assertThat(r.corrected().getMinValue() / 1e6).isGreaterThanOrEqualTo(DELAY_MS * 0.99);
            assertThat(l.p50()).isBetween(DELAY_MS, DELAY_MS + P50_SLACK_MS);
            assertThat(l.p99()).as("p99 with machine hiccups up to %.1f ms", bound[1]).isBetween(DELAY_MS, bound[0]);
            // The backend answers with 2-byte bodies to bodiless GETs.
            assertThat(r.bytesReceived()).isEqualTo(2 * r.completed());
        }
    }

    @Test
    void h2cMultiplexedStreamsReportTheBackendDelay() throws Exception {
        try (Backend backend = Backend.start(Backend.Options.defaults().withDelay(DELAY))) {
            // 2 connections x 4 streams at 100/s: at most ~2 requests in flight per connection.
            LoadResult[] out = new LoadResult[1];
            double[] bound = runWithP99Bound(openLoop(Protocol.H2C, backend.httpAddress(), 2, 100, 128).withStreams(4), out);
            LoadResult r = out[0];

            LatencySummary l = r.latency();
            assertThat(r.errors()).isZero();
            assertThat(r.completed()).isCloseTo(300, within(15L));
            assertThat(l.p50()).isBetween(DELAY_MS, DELAY_MS + P50_SLACK_MS);
            assertThat(l.p99()).as("p99 with machine hiccups up to %.1f ms", bound[1]).isBetween(DELAY_MS, bound[0]);
            // POST bodies are echoed: as many bytes come back as went out.
            assertThat(r.bytesReceived()).isEqualTo(128 * r.completed());
        }
    }

    @Test
    void tcpRequestResponseReportsTheBackendDelay() throws Exception {
        try (Backend backend = Backend.start(Backend.Options.defaults().withDelay(DELAY))) {
            LoadResult[] out = new LoadResult[1];
            double[] bound = runWithP99Bound(openLoop(Protocol.TCP_RR, backend.tcpAddress(), 8, 100, 1024), out);
            LoadResult r = out[0];

            LatencySummary l = r.latency();
            assertThat(r.errors()).isZero();
            assertThat(r.completed()).isCloseTo(300, within(15L));
            assertThat(l.p50()).isBetween(DELAY_MS, DELAY_MS + P50_SLACK_MS);
            assertThat(l.p99()).as("p99 with machine hiccups up to %.1f ms", bound[1]).isBetween(DELAY_MS, bound[0]);
            assertThat(r.bytesReceived()).isEqualTo(1024 * r.completed());
        }
    }

    @Test
    void closedLoopThroughputFollowsLittlesLaw() throws Exception {
        try (Backend backend = Backend.start(Backend.Options.defaults().withDelay(DELAY))) {
            // 4 connections, one request each, 20 ms per request: at most 4 / 0.020 s = 200 requests/s.
            LoadResult r = run(LoadSpec.of(Protocol.HTTP1, backend.httpAddress(), 4, 0, 0, Duration.ofSeconds(3))
                    .withWarmup(Duration.ofMillis(500)));

            assertThat(r.errors()).isZero();
            assertThat(r.achievedRate()).isBetween(4 / ((DELAY_MS + P50_SLACK_MS) / 1000), 4 / (DELAY_MS / 1000));
            assertThat(r.latency().p50()).isBetween(DELAY_MS, DELAY_MS + P50_SLACK_MS);
            // In a closed loop a request is sent when it is due, so both views agree.
            assertThat(r.corrected().getTotalCount()).isEqualTo(r.uncorrected().getTotalCount());
            assertThat(r.corrected().getValueAtPercentile(50)).isEqualTo(r.uncorrected().getValueAtPercentile(50));
        }
    }

    @Test
    void openLoopShowsAStallInTheTailWhereAnUncorrectedMeasureShowsOneOutlierPerConnection() throws Exception {
        // 200/s over 2 connections is one request every 10 ms per connection. The 500 ms stall starts
        // at request 300, 1 s into the measured period (0.5 s warm-up = 100 requests).
        Duration stall = Duration.ofMillis(500);
        Backend.Options options = Backend.Options.defaults().withStall(300, stall);
        try (Backend backend = Backend.start(options)) {
            LoadResult r = run(openLoop(Protocol.HTTP1, backend.httpAddress(), 2, 200, 0));

            assertThat(r.errors()).isZero();
            // Corrected: every request due during the stall waited for its end, 500 ms down to 0 in
            // 10 ms steps on each connection: ~50 per connection are >= 100 ms late, ~8% of ~600.
            Histogram corrected = r.corrected();
            long slowCorrected = corrected.getCountBetweenValues(msToNanos(100), corrected.getMaxValue());
            assertThat(slowCorrected).isGreaterThanOrEqualTo(50);
            assertThat(r.latency().p99()).isGreaterThanOrEqualTo(300.0);
            assertThat(r.latency().max()).isGreaterThanOrEqualTo(450.0);
            // Uncorrected: only the request in flight on each connection saw the stall; the ones
            // queued behind it are timed from when they finally went out, so the tail looks clean.
            Histogram uncorrected = r.uncorrected();
            long slowUncorrected = uncorrected.getCountBetweenValues(msToNanos(100), uncorrected.getMaxValue());
            assertThat(slowUncorrected).isBetween(1L, 2L * r.spec().connections());
            assertThat(r.uncorrectedLatency().max()).isGreaterThanOrEqualTo(450.0);
            assertThat(r.uncorrectedLatency().p99()).isLessThan(100.0);
        }
    }

    @Test
    void tcpBulkMovesBytesBothWaysThroughTheEcho() throws Exception {
        try (Backend backend = Backend.start(Backend.Options.defaults())) {
            LoadResult r = run(LoadSpec.of(Protocol.TCP_BULK, backend.tcpAddress(), 2, 0, 16 * 1024,
                    Duration.ofSeconds(2)).withWarmup(Duration.ofMillis(500)));

            assertThat(r.errors()).isZero();
            // Loopback echo moves hundreds of MB/s; 1 MB/s is a floor nothing healthy falls under.
            assertThat(r.receivedBytesPerSecond()).isGreaterThan(1e6);
            assertThat(backend.requests()).isPositive();
        }
    }

    @Test
    void unreachableTargetFailsWithTheAddressInTheMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        InetSocketAddress nobody = new InetSocketAddress("127.0.0.1", port);
        assertThatThrownBy(() -> run(LoadSpec.of(Protocol.HTTP1, nobody, 1, 0, 0, Duration.ofSeconds(1))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect to")
                .hasMessageContaining(String.valueOf(port));
    }

    private static long msToNanos(long ms) {
        return ms * 1_000_000L;
    }
}
