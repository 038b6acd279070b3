package io.outrigger.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration errors name the field and say what was expected. */
class ConfigValidationTest {

    @Test
    void defaultsAreEnvoys() {
        LbConfig c = LbConfig.of(LbPolicy.ROUND_ROBIN);
        assertThat(c.healthyPanicThreshold()).isEqualTo(50.0);
        assertThat(c.choiceCount()).isEqualTo(2);
        assertThat(c.activeRequestBias()).isEqualTo(1.0);
        assertThat(c.minimumRingSize()).isEqualTo(1024);
        assertThat(c.maximumRingSize()).isEqualTo(8 * 1024 * 1024);
        assertThat(c.maglevTableSize()).isEqualTo(65537);
        assertThat(ZoneAwareConfig.DEFAULT).isEqualTo(new ZoneAwareConfig(100, 6, false));
    }

    @Test
    void maglevTableSizeMustBePrime() {
        assertThatThrownBy(() -> LbConfig.of(LbPolicy.MAGLEV).withMaglevTableSize(65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maglevTableSize: 65536 (expected: a prime <= 5000011)");
    }

    @Test
    void choiceCountBelowTwoIsRejected() {
        assertThatThrownBy(() -> LbConfig.of(LbPolicy.LEAST_REQUEST).withLeastRequest(1, 1.0))
                .hasMessage("choiceCount: 1 (expected: >= 2)");
    }

    @Test
    void ringSizesMustBeOrdered() {
        assertThatThrownBy(() -> LbConfig.of(LbPolicy.RING_HASH).withRingSize(2048, 1024))
                .hasMessage("maximumRingSize: 1024 (expected: 2048-8388608)");
    }

    @Test
    void localityWeightedAndZoneAwareAreMutuallyExclusive() {
        assertThatThrownBy(() -> LbConfig.of(LbPolicy.ROUND_ROBIN).withZoneAware(ZoneAwareConfig.DEFAULT)
                .withLocalityWeighted(true))
                .hasMessageContaining("locality_config_specifier");
    }

    @Test
    void panicThresholdIsAPercent() {
        assertThatThrownBy(() -> LbConfig.of(LbPolicy.RANDOM).withHealthyPanicThreshold(101))
                .hasMessage("healthyPanicThreshold: 101.0 (expected: 0-100)");
    }

    @Test
    void outlierAndHealthCheckDurationsMustBePositive() {
        assertThatThrownBy(() -> new HealthCheckConfig(Duration.ZERO, Duration.ofSeconds(1), 1, 1, Duration.ZERO,
                new HealthCheckConfig.TcpProbe()))
                .hasMessage("interval: PT0S (expected: > 0)");
        assertThatThrownBy(() -> HealthCheckConfig.HttpProbe.of("healthz"))
                .hasMessage("path: healthz (expected: starting with '/')");
        assertThatThrownBy(() -> new CircuitBreakerThresholds(-1, 1, 1, 1, null))
                .hasMessage("maxConnections: -1 (expected: >= 0)");
    }

    @Test
    void tcpProbesWithTheSameBytesAreEqualSoIdenticalUpdatesCompareEqual() {
        HealthCheckConfig.TcpProbe a = new HealthCheckConfig.TcpProbe(new byte[] {1, 2}, java.util.List.of(new byte[] {3}));
        HealthCheckConfig.TcpProbe b = new HealthCheckConfig.TcpProbe(new byte[] {1, 2}, java.util.List.of(new byte[] {3}));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new HealthCheckConfig.TcpProbe(new byte[] {1, 2}, java.util.List.of(new byte[] {4})));
        assertThat(new HealthCheckConfig.TcpProbe()).isEqualTo(new HealthCheckConfig.TcpProbe());
    }
}
