package io.outrigger.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CIDRs are written the way iptables-save prints them (host bits cleared, RFC 5952 IPv6). */
class CidrTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.96.0.0/12, 10.96.0.0/12",
        "10.96.1.7/12, 10.96.0.0/12",
        "192.168.1.1, 192.168.1.1/32",
        "0.0.0.0/0, 0.0.0.0/0",
        "fd00::/8, fd00::/8",
        "FD00:0:0:1::1/64, fd00:0:0:1::/64",
        "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
        "::1, ::1/128",
        "fd00:213:7::2, fd00:213:7::2/128",
    })
    void printsTheCanonicalForm(String input, String expected) {
        assertThat(Cidr.parse(input).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.256/8", "10.0.0/8", "fd00::/129", "fd00::g/8", "host.example/8",
        "10.0.0.0/", "10.0.0.0/-1", ""})
    void rejectsWhatIsNotACidr(String input) {
        assertThatThrownBy(() -> Cidr.parse(input)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + input + "'");
    }
}
