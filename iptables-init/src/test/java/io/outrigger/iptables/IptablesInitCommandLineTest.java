package io.outrigger.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command line as a user meets it: exit status 2 and a message naming the option and the
 * value for bad input, exit status 1 naming the binary when iptables is missing, and in both
 * cases no command run at all. These run in-process with a PATH that holds no iptables binary,
 * so even a parser bug could not touch this machine's rules.
 */
class IptablesInitCommandLineTest {

    @TempDir
    Path emptyBin;

    record Outcome(int exitCode, String stdout, String stderr) {}

    private Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandRunner runner = new CommandRunner(List.of(), emptyBin.toString(), Duration.ofSeconds(30));
        int code = IptablesInit.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), runner, emptyBin.resolve("no-if_inet6"));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "-p|70000|invalid value for -p: '70000' (expected: a port in 1..65535)",
        "-z|0|invalid value for -z: '0' (expected: a port in 1..65535)",
        "-p|http|invalid value for -p: 'http' (expected: a port in 1..65535)",
        "-b|80,65536|invalid value for -b: '65536' in '80,65536' (expected: comma-separated ports in 1..65535)",
        "-d|abc|invalid value for -d: 'abc' in 'abc' (expected: comma-separated ports in 1..65535)",
        "-o|-1|invalid value for -o: '-1' in '-1' (expected: comma-separated ports in 1..65535)",
        "-q|99999|invalid value for -q: '99999' in '99999' (expected: comma-separated ports in 1..65535)",
        "-i|10.0.0.0/33|invalid value for -i: '10.0.0.0/33' has a bad prefix length (expected: 0..32)",
        "-x|10.0.0.300/8|invalid value for -x: '10.0.0.300/8' is not an IPv4 or IPv6 CIDR (expected: e.g. 10.0.0.0/8 or fd00::/8)",
        "-x|fd00::/129|invalid value for -x: 'fd00::/129' has a bad prefix length (expected: 0..128)",
        "-i|example.com/8|invalid value for -i: 'example.com/8' is not an IPv4 or IPv6 CIDR (expected: e.g. 10.0.0.0/8 or fd00::/8)",
        "-x|*|invalid value for -x: '*' (expected: a comma-separated list of CIDRs; '*' would exclude everything, use -i \"\")",
        "-m|NAT|invalid value for -m: 'NAT' (expected: REDIRECT or TPROXY)",
        "-u|proxy|invalid value for -u: 'proxy' in 'proxy' (expected: comma-separated numeric ids in 0..4294967294)",
        "--iptables-mode|nftables|invalid value for --iptables-mode: 'nftables' (expected: nft or legacy)",
        "--ipv6|maybe|invalid value for --ipv6: 'maybe' (expected: auto, on or off)",
    })
    void badValueExitsWithStatus2NamingOptionAndValue(String option, String value, String message) {
        Outcome o = run(option, value);

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.stderr()).startsWith("iptables-init: " + message + "\n").contains("--help");
        assertThat(o.stdout()).isEmpty();
    }

    @Test
    void unknownOptionExitsWithStatus2NamingIt() {
        Outcome o = run("-p", "15001", "--capture-everything");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.stderr()).startsWith("iptables-init: unknown option: --capture-everything\n");
    }

    @Test
    void optionWithoutValueExitsWithStatus2() {
        Outcome o = run("-z");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.stderr()).startsWith("iptables-init: -z: missing value\n");
    }

    @Test
    void missingIptablesBinaryExitsWithStatus1NamingIt() {
        Outcome o = run("--iptables-mode", "nft", "--ipv6", "off");

        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.stderr()).contains("required binary not found: iptables-nft-save")
                .contains("PATH=" + emptyBin);
    }

    @Test
    void missingLegacyRestoreBinaryIsNamedWhenSaveExists() throws Exception {
        // Only the save binary present: the error must name the restore one.
        script("iptables-legacy-save", "exit 0");

        Outcome o = run("--iptables-mode", "legacy", "--ipv6", "off");

        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.stderr()).contains("required binary not found: iptables-legacy-restore");
    }

    @Test
    void restoreFailureExitsWithStatus1AndSaysNothingWasLeftInstalled() throws Exception {
        // The real failure (and its rollback) is exercised against real iptables in
        // InstallLifecycleInPodTest; this checks what the command line reports for it.
        script("iptables-nft-save", "exit 0");
        script("iptables-nft-restore", "cat >/dev/null; echo 'iptables-nft-restore: line 9 failed' >&2; exit 1");

        Outcome o = run("--iptables-mode", "nft", "--ipv6", "off");

        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.stderr()).contains("iptables-nft-restore failed (exit 1): iptables-nft-restore: line 9 failed")
                .contains("nothing was left installed");
    }

    @Test
    void ipv4OnlyKernelWhereIp6tablesFailsStillInstallsAndCleansUp() throws Exception {
        script("iptables-nft-save", "exit 0");
        script("iptables-nft-restore", "cat >/dev/null; exit 0");
        script("ip6tables-nft-save",
                "echo \"ip6tables-nft-save: can't initialize ip6tables table 'filter': Address family not supported\" >&2; exit 1");
        script("ip6tables-nft-restore", "exit 1");

        assertThat(run("--iptables-mode", "nft", "--ipv6", "off").exitCode()).isZero();
        assertThat(run("--iptables-mode", "nft", "--cleanup").exitCode()).isZero();
    }

    private void script(String name, String body) throws Exception {
        Path file = emptyBin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        assertThat(file.toFile().setExecutable(true)).isTrue();
    }

    @Test
    void dryRunPrintsTheDefaultSidecarRulesWithoutNeedingIptables() throws Exception {
        Outcome o = run("--dry-run", "--ipv6", "off");

        assertThat(o.exitCode()).isZero();
        assertThat(o.stdout()).isEqualTo(Files.readString(Path.of("src/test/resources/golden/default-sidecar.txt")));
    }

    @Test
    void istioLongOptionNamesMeanTheSameAsTheLetters() throws Exception {
        Outcome letters = run("-n", "--ipv6", "off", "-p", "16001", "-z", "16006", "-u", "7", "-g", "8", "-m", "TPROXY",
                "-b", "80", "-i", "10.0.0.0/8", "-x", "10.1.0.0/16", "-o", "25", "-q", "26", "--capture-dns");
        Outcome names = run("--dry-run=true", "--ipv6=off", "--envoy-port=16001", "--inbound-capture-port", "16006",
                "--proxy-uid", "7", "--proxy-gid", "8", "--istio-inbound-interception-mode", "TPROXY",
                "--istio-inbound-ports", "80", "--istio-service-cidr", "10.0.0.0/8", "--istio-service-exclude-cidr",
                "10.1.0.0/16", "--istio-local-outbound-ports-exclude", "25", "--istio-outbound-ports", "26",
                "--redirect-dns");

        assertThat(names.exitCode()).isZero();
        assertThat(names.stdout()).isEqualTo(letters.stdout()).contains("--to-ports 16001").contains("--on-port 16006");
    }

    @Test
    void helpPrintsUsageAndExits0() {
        Outcome o = run("--help");

        assertThat(o.exitCode()).isZero();
        assertThat(o.stdout()).contains("-p, --envoy-port").contains("--cleanup").contains("--dry-run");
    }

    @Test
    void ipv6AutoFollowsTheKernelsGlobalAddresses() throws Exception {
        Path withGlobal = emptyBin.resolve("if_inet6_global");
        Files.writeString(withGlobal, """
                00000000000000000000000000000001 01 80 10 80       lo
                fd000213000700000000000000000002 02 40 00 80     eth0
                fe800000000000000000000000000001 02 40 20 80     eth0
                """);
        Path linkLocalOnly = emptyBin.resolve("if_inet6_link");
        Files.writeString(linkLocalOnly, """
                00000000000000000000000000000001 01 80 10 80       lo
                fe800000000000000000000000000001 02 40 20 80     eth0
                """);

        assertThat(IptablesInit.hasGlobalIpv6Address(withGlobal)).isTrue();
        assertThat(IptablesInit.hasGlobalIpv6Address(linkLocalOnly)).isFalse();
        assertThat(IptablesInit.hasGlobalIpv6Address(emptyBin.resolve("absent"))).isFalse();
    }
}
