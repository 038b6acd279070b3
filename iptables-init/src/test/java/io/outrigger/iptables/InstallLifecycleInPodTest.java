package io.outrigger.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.iptables.testkit.ExecResult;
import io.outrigger.iptables.testkit.Pod;
import io.outrigger.iptables.testkit.PodNetwork;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Install, reinstall, cleanup and failed installs against real iptables (nft and legacy) in a
 * fresh pod that already holds somebody else's rules in every table we touch: whatever we do,
 * those stay exactly as they were, and after cleanup (or a failed install) {@code iptables-save}
 * is what it was before, byte for byte apart from counters and the comment header lines.
 */
class InstallLifecycleInPodTest {

    /** Rules a CNI or the user put there before us; they must survive untouched and in order. */
    static final String FOREIGN_RULES = """
            *mangle
            -A PREROUTING -p tcp --dport 4446 -j RETURN
            -A OUTPUT -p tcp --dport 4448 -j RETURN
            COMMIT
            *nat
            :FOREIGN - [0:0]
            -A FOREIGN -p tcp --dport 4449 -j RETURN
            -A PREROUTING -p tcp --dport 4445 -j FOREIGN
            -A OUTPUT -p tcp --dport 4444 -j RETURN
            COMMIT
            *raw
            -A OUTPUT -p udp --dport 4447 -j RETURN
            -A PREROUTING -p udp --dport 4450 -j RETURN
            COMMIT
            """;

    /** IPv6 rules whenever the kernel has IPv6, so both families are exercised where possible. */
    static final String IPV6_FLAG = PodNetwork.ipv6Supported() ? "--ipv6=on" : "--ipv6=off";

    static PodNetwork net;
    static Pod pod;

    @BeforeAll
    static void createPod() {
        PodNetwork.requireRoot();
        net = PodNetwork.create(PodNetwork.ipv6Supported());
    }

    @AfterAll
    static void deletePod() {
        if (net != null) {
            net.close();
        }
    }

    @BeforeEach
    void freshPod(org.junit.jupiter.api.TestInfo info) {
        pod = net.addPod("p" + net.pods().size());
    }

    private static void preloadForeignRules(String mode) {
        for (String family : PodNetwork.ipv6Supported() ? List.of("iptables", "ip6tables") : List.of("iptables")) {
            ExecResult r = pod.exec("bash", "-c", "printf '%s' \"$0\" | " + family + "-" + mode + "-restore --noflush",
                    FOREIGN_RULES);
            r.orFail("preload foreign rules with " + family + "-" + mode);
        }
    }

    /** iptables-save without counters and comment header lines, so two snapshots compare byte for byte. */
    private static String save(String family, String mode) {
        String out = pod.exec(family + "-" + mode + "-save").orFail(family + "-save").stdout();
        return out.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("\\[\\d+:\\d+\\]", "[0:0]"))
                .collect(Collectors.joining("\n"));
    }

    private static String snapshot(String mode) {
        return save("iptables", mode) + "\n--- v6 ---\n" + (PodNetwork.ipv6Supported() ? save("ip6tables", mode) : "")
                + "\n--- rules ---\n"
                + pod.exec("ip", "-4", "rule").stdout() + pod.exec("ip", "-6", "rule").stdout()
                + "\n--- lo ---\n" + pod.exec("ip", "-6", "addr", "show", "dev", "lo").stdout()
                + "\n--- table 133 ---\n" + pod.exec("ip", "route", "show", "table", "133").stdout();
    }

    private static void cli(String... args) {
        ExecResult r = pod.runIptablesInit(args);
        assertThat(r.exitCode()).as("iptables-init %s: %s", List.of(args), r).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nft", "legacy"})
    void cleanupRestoresIptablesSaveExactlyAndKeepsForeignRules(String mode) {
        preloadForeignRules(mode);
        String before = snapshot(mode);

        cli("--iptables-mode", mode, IPV6_FLAG, "-m", "TPROXY", "--capture-dns");
        String installed = snapshot(mode);
        assertThat(installed).contains("ISTIO_TPROXY", "ISTIO_OUTPUT_DNS", "fwmark 0x539 lookup 133")
                .contains("--dport 4444", "--dport 4445", "--dport 4446", "--dport 4447", "FOREIGN");

        cli("--iptables-mode", mode, "--cleanup");

        assertThat(snapshot(mode)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nft", "legacy"})
    void installingTwiceReplacesInsteadOfDuplicating(String mode) {
        preloadForeignRules(mode);
        cli("--iptables-mode", mode, IPV6_FLAG);
        String once = snapshot(mode);

        cli("--iptables-mode", mode, IPV6_FLAG);
        assertThat(snapshot(mode)).isEqualTo(once);

        // A different install in between (mangle and raw tables, TPROXY policy routes) leaves nothing stale behind.
        cli("--iptables-mode", mode, IPV6_FLAG, "-m", "TPROXY", "--capture-dns", "-d", "9000");
        cli("--iptables-mode", mode, IPV6_FLAG);
        assertThat(snapshot(mode)).isEqualTo(once);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nft", "legacy"})
    void ruleFailingInTheLastTableLeavesNothingInstalled(String mode) throws Exception {
        preloadForeignRules(mode);
        String before = snapshot(mode);
        CaptureOptions options = OptionParser.parse("-m", "TPROXY", "--capture-dns").options();
        // mangle and nat commit before raw is parsed; the bad port only fails in the raw table.
        RuleSet failsLate = CaptureRules.build(options).withExtraRule(IpFamily.IPV4,
                new Rule("raw", "ISTIO_INBOUND", List.of("-p", "tcp", "--dport", "99999"), "bad-port", List.of("RETURN")));

        assertThatThrownBy(() -> applier(mode).install(failsLate))
                .isInstanceOf(RuleApplier.ApplyException.class)
                .hasMessageContaining("99999");

        assertThat(snapshot(mode)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nft", "legacy"})
    void ipv6FailureAfterIpv4WasAppliedLeavesNothingInstalled(String mode) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(PodNetwork.ipv6Supported(), "skipped: this kernel has no IPv6");
        preloadForeignRules(mode);
        cli("--iptables-mode", mode, IPV6_FLAG);
        CaptureOptions options = OptionParser.parse("-m", "TPROXY", IPV6_FLAG).options();
        RuleSet failsInIpv6 = CaptureRules.build(options).withExtraRule(IpFamily.IPV6,
                new Rule("nat", "ISTIO_OUTPUT", List.of("-d", "10.0.0.0/8"), "ipv4-in-ip6tables", List.of("RETURN")));

        assertThatThrownBy(() -> applier(mode).install(failsInIpv6)).isInstanceOf(RuleApplier.ApplyException.class);

        // Nothing of ours, from this attempt or the earlier install; the foreign rules intact.
        String after = snapshot(mode);
        assertThat(after).doesNotContain("outrigger", "ISTIO_", "lookup 133", "::6/128")
                .contains("--dport 4444", "--dport 4450", "FOREIGN");
    }

    @ParameterizedTest(name = "existing rules in {0}")
    @ValueSource(strings = {"nft", "legacy"})
    void backendIsDetectedFromTheRulesAlreadyInThePod(String mode) {
        preloadForeignRules(mode);

        cli("--ipv6", "off");

        assertThat(save("iptables", mode)).contains("outrigger:outbound");
        String other = mode.equals("nft") ? "legacy" : "nft";
        assertThat(save("iptables", other)).doesNotContain("outrigger");
        cli("--cleanup");
        assertThat(save("iptables", mode)).doesNotContain("outrigger");
    }

    @org.junit.jupiter.api.Test
    void freshPodGetsTheSystemDefaultBackend() {
        String version = pod.exec("iptables", "--version").orFail("iptables --version").stdout();
        String expected = version.contains("legacy") ? "legacy" : "nft";

        cli("--ipv6", "off");

        assertThat(save("iptables", expected)).contains("outrigger:outbound");
        cli("--cleanup");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nft", "legacy"})
    void cleanupDryRunPrintsWhatItWouldRemoveAndChangesNothing(String mode) {
        preloadForeignRules(mode);
        cli("--iptables-mode", mode, "--ipv6", "off");
        String installed = snapshot(mode);

        ExecResult dry = pod.runIptablesInit("--iptables-mode", mode, "--cleanup", "--dry-run");

        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.stdout()).contains("-D PREROUTING -p tcp -m comment --comment \"outrigger:inbound\" -j ISTIO_INBOUND")
                .contains("-X ISTIO_OUTPUT").doesNotContain("4444", "FOREIGN");
        assertThat(snapshot(mode)).isEqualTo(installed);
    }

    private static RuleApplier applier(String mode) {
        CommandRunner inPod = new CommandRunner(List.of("ip", "netns", "exec", pod.netns()), System.getenv("PATH"),
                Duration.ofSeconds(60));
        return new RuleApplier(inPod, new Backend(mode.equals("nft") ? IptablesMode.NFT : IptablesMode.LEGACY));
    }
}
