package io.outrigger.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rule set for each option combination, compared with a reviewed golden file under
 * {@code src/test/resources/golden/}. The golden files were checked line by line against
 * istio-iptables' own golden output for the same options (chain names, rule order, matches,
 * targets); what differs on purpose is the {@code outrigger:} comment on every rule and the
 * absence of Istio's HBONE port 15008 rule. To regenerate after an intended change, run with
 * {@code -Doutrigger.golden.update=true} and review the diff.
 */
class CaptureRulesGoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("default-sidecar", new String[] {}),
                Arguments.of("excluded-ports", new String[] {"-d", "8081,9090", "-o", "3306,6379"}),
                Arguments.of("included-inbound-ports", new String[] {"-b", "8080,9090,15021"}),
                Arguments.of("include-exclude-cidrs",
                        new String[] {"-i", "10.96.0.0/12,192.168.0.0/16", "-x", "10.96.0.10/32,fd00::/8"}),
                Arguments.of("outbound-ports-only", new String[] {"-i", "", "-q", "5432"}),
                Arguments.of("inbound-disabled", new String[] {"-b", ""}),
                Arguments.of("custom-ports-and-owners",
                        new String[] {"-p", "16001", "-z", "16006", "-u", "1001,1002", "-g", "2001"}),
                Arguments.of("tproxy", new String[] {"-m", "TPROXY"}),
                Arguments.of("tproxy-included-ports-ipv6", new String[] {"-m", "TPROXY", "-b", "8080", "--ipv6", "on"}),
                Arguments.of("capture-dns", new String[] {"--capture-dns"}),
                Arguments.of("ipv6", new String[] {"--ipv6", "on", "-x", "10.1.0.0/16,fd00:1:2::/48"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ruleSetMatchesGoldenFile(String name, String[] args) throws Exception {
        String actual = CaptureRules.build(OptionParser.parse(args).options()).render();
        Path golden = GOLDEN.resolve(name + ".txt");
        if (Boolean.getBoolean("outrigger.golden.update")) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(read(golden));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameOptionsAlwaysGiveTheSameRules(String name, String[] args) throws Exception {
        RuleSet first = CaptureRules.build(OptionParser.parse(args).options());
        RuleSet second = CaptureRules.build(OptionParser.parse(args).options());
        assertThat(second).isEqualTo(first);
        assertThat(second.render()).isEqualTo(first.render());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyRuleCarriesTheOutriggerComment(String name, String[] args) throws Exception {
        String rendered = CaptureRules.build(OptionParser.parse(args).options()).render();
        assertThat(rendered.lines().filter(l -> l.startsWith("-A ")))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("-m comment --comment outrigger:"));
    }

    private static String read(Path golden) throws IOException {
        return Files.readString(golden, StandardCharsets.UTF_8);
    }
}
