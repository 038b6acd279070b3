package io.outrigger.bench.harness;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadSpecTest {

    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 10000);

    @Test
    void rejectsZeroConnectionsSayingWhatIsExpected() {
        assertThatThrownBy(() -> LoadSpec.of(Protocol.HTTP1, TARGET, 0, 0, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connections: 0 (expected: >= 1)");
    }

    @Test
    void rejectsPipeliningOnHttp1() {
        assertThatThrownBy(() -> LoadSpec.of(Protocol.HTTP1, TARGET, 1, 0, 0, Duration.ofSeconds(1)).withStreams(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("streams: 4 (expected: 1 for http1");
    }

    @Test
    void rejectsAnEmptyTcpPayload() {
        assertThatThrownBy(() -> LoadSpec.of(Protocol.TCP_RR, TARGET, 1, 0, 0, Duration.ofSeconds(1)))
                .hasMessage("payloadBytes: 0 (expected: >= 1 for tcp-rr)");
    }

    @Test
    void rateZeroMeansClosedLoop() {
        assertThat(LoadSpec.of(Protocol.HTTP1, TARGET, 1, 0, 0, Duration.ofSeconds(1)).openLoop()).isFalse();
        assertThat(LoadSpec.of(Protocol.HTTP1, TARGET, 1, 10, 0, Duration.ofSeconds(1)).openLoop()).isTrue();
    }

    @Test
    void durationsAcceptTheUnitsLoadToolsUse() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> Durations.parse("10"))
                .hasMessage("duration: 10 (expected: a number with us, ms, s or m, e.g. 250ms)");
    }

    @Test
    void loadGenCommandLineDefaultsTcpPayloadToOneKilobyteAndH2cToTenStreams() {
        LoadGen tcp = new LoadGen();
        new picocli.CommandLine(tcp).parseArgs("-p", "tcp-rr", "127.0.0.1:9000");
        assertThat(tcp.spec().payloadBytes()).isEqualTo(1024);
        LoadGen h2 = new LoadGen();
        new picocli.CommandLine(h2).parseArgs("-p", "h2c", "-r", "1000", "127.0.0.1:8080");
        assertThat(h2.spec().streams()).isEqualTo(10);
        assertThat(h2.spec().rate()).isEqualTo(1000.0);
    }
}
