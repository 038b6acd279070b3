package io.outrigger.proxy.tls;

import io.micrometer.core.instrument.Tags;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.tls.metrics.Side;
import io.outrigger.tls.metrics.TlsMetrics;
import io.outrigger.tls.verify.FailureReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's {@code ssl.*} stats of one listener ({@code listener.<address>.ssl.*}) or cluster
 * ({@code cluster.<name>.ssl.*}), bound once: {@code handshake}, {@code connection_error},
 * {@code fail_verify_no_cert}, {@code fail_verify_san}, {@code fail_verify_error}; and, as Outrigger's own
 * breakdown of {@code fail_verify_error}, {@code fail_verify_expired}, {@code fail_verify_not_yet_valid},
 * {@code fail_verify_unknown_ca} and {@code fail_verify_bad_svid}. Handshake callbacks run on event loops:
 * they increment pre-resolved adders only.
 */
public final class TlsScopeStats implements TlsMetrics {
    private final LongAdder handshake;
    private final LongAdder connectionError;
    private final Map<FailureReason, LongAdder> byReason = new EnumMap<>(FailureReason.class);
    private final LongAdder failVerifyError;

    private TlsScopeStats(Stats stats, String dottedScope, String promScope, Tags tags) {
        this.handshake = stat(stats, dottedScope, promScope, tags, "handshake");
        this.connectionError = stat(stats, dottedScope, promScope, tags, "connection_error");
        this.failVerifyError = stat(stats, dottedScope, promScope, tags, "fail_verify_error");
        byReason.put(FailureReason.NO_CLIENT_CERT, stat(stats, dottedScope, promScope, tags, "fail_verify_no_cert"));
        byReason.put(FailureReason.SAN_MISMATCH, stat(stats, dottedScope, promScope, tags, "fail_verify_san"));
        byReason.put(FailureReason.EXPIRED, stat(stats, dottedScope, promScope, tags, "fail_verify_expired"));
        byReason.put(FailureReason.NOT_YET_VALID, stat(stats, dottedScope, promScope, tags, "fail_verify_not_yet_valid"));
        byReason.put(FailureReason.UNKNOWN_CA, stat(stats, dottedScope, promScope, tags, "fail_verify_unknown_ca"));
        byReason.put(FailureReason.BAD_SVID, stat(stats, dottedScope, promScope, tags, "fail_verify_bad_svid"));
        byReason.put(FailureReason.HANDSHAKE_ERROR, connectionError);
    }

    private static LongAdder stat(Stats stats, String dottedScope, String promScope, Tags tags, String name) {
        return stats.stat(dottedScope + ".ssl." + name, "envoy_" + promScope + "_ssl_" + name, tags);
    }

    /** {@code listener.<host>_<port>.ssl.*}, tag {@code envoy_listener_address}. */
    public static TlsScopeStats listener(Stats stats, String host, int port) {
        String address = host + "_" + port;
        return new TlsScopeStats(stats, "listener." + address, "listener", Tags.of("envoy_listener_address", address));
    }

    /** {@code cluster.<name>.ssl.*}, tag {@code envoy_cluster_name}. */
    public static TlsScopeStats cluster(Stats stats, String name) {
        return new TlsScopeStats(stats, "cluster." + name, "cluster", Tags.of("envoy_cluster_name", name));
    }

    @Override
    public void handshakeSucceeded(Side side) {
        handshake.increment();
    }

    @Override
    public void handshakeFailed(Side side, FailureReason reason) {
        byReason.get(reason).increment();
        // Envoy counts every certificate verdict other than no-cert and SAN as fail_verify_error.
        if (reason == FailureReason.EXPIRED || reason == FailureReason.NOT_YET_VALID || reason == FailureReason.UNKNOWN_CA
                || reason == FailureReason.BAD_SVID) {
            failVerifyError.increment();
        }
    }
}
