package io.outrigger.proxy.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.iptables.testkit.Pod;
import io.outrigger.iptables.testkit.PodNetwork;
import io.outrigger.iptables.testkit.PodProcess;
import io.outrigger.iptables.testkit.PortTagServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM units' commands, run as systemd would run them but without systemd, in a network
 * namespace standing for the VM: {@code outrigger-iptables.service}'s ExecStart as root, then
 * {@code outrigger.service}'s ExecStart as its {@code User=} (uid from outrigger.sysusers). Every
 * user's outbound connection goes through the proxy except the proxy user's own; inbound
 * connections reach the VM's service through the proxy, SSH directly; ExecStop removes it all.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VmUnitsInNetnsTest {
    private static final Path VM = Distribution.DOCKER.resolve("vm");
    private static final int APP_UID = 1000;

    @TempDir
    Path dir;

    @Test
    void hostCaptureSendsEveryUserButTheProxyThroughTheProxyAndTheProxyServes() throws Exception {
        PodNetwork.requireRoot();
        Path opt = Files.createDirectories(dir.resolve("opt/outrigger"));
        Distribution.assemble(opt);
        dir.toFile().setExecutable(true, false);
        Path bootstrap = dir.resolve("bootstrap.yaml");
        Files.writeString(bootstrap, STANDALONE_BOOTSTRAP);

        SystemdUnit proxyUnit = SystemdUnit.read(VM.resolve("outrigger.service"));
        SystemdUnit captureUnit = SystemdUnit.read(VM.resolve("outrigger-iptables.service"));
        int proxyUid = sysusersUid(proxyUnit.value("User"));
        assertThat(proxyUid).as("the proxy user is Istio's 1337, which the capture excludes").isEqualTo(1337);
        assertThat(captureUnit.command("ExecStart")).containsSubsequence("-u", Integer.toString(proxyUid));

        try (PodNetwork net = PodNetwork.create()) {
            Pod vm = net.addPod("vm");
            Pod peer = net.addPod("peer");
            peer.startJava(-1, PortTagServer.class, "peer", "tcp:8080").awaitLine("READY", Duration.ofSeconds(60));
            vm.startJava(-1, PortTagServer.class, "vm-app", "tcp:9090", "tcp:22").awaitLine("READY", Duration.ofSeconds(60));

            vm.exec(localize(captureUnit.command("ExecStart"), opt, bootstrap).toArray(String[]::new))
                    .orFail("outrigger-iptables.service ExecStart");
            PodProcess proxy = vm.startAs(proxyUid, localize(proxyUnit.command("ExecStart"), opt, bootstrap)
                    .toArray(String[]::new));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .failFast("the proxy exited: " + proxy, () -> !proxy.isAlive())
                    .until(() -> admin(vm, "/ready").startsWith("HTTP/1.1 200"));

            // An application user's connection is captured: it arrives, through the passthrough cluster.
            assertThat(vm.tcpFirstLine(APP_UID, peer.ipv4(), 8080)).isEqualTo("peer:8080");
            assertThat(stat(vm, "cluster.PassthroughCluster.upstream_cx_total")).isEqualTo(1);
            // The proxy user's own connection is not (or the proxy would loop into itself).
            assertThat(vm.tcpFirstLine(proxyUid, peer.ipv4(), 8080)).isEqualTo("peer:8080");
            assertThat(stat(vm, "cluster.PassthroughCluster.upstream_cx_total")).isEqualTo(1);
            assertThat(stat(vm, "listener.0.0.0.0_15001.downstream_cx_total")).isEqualTo(1);

            // Inbound: the VM's service is reached through 15006; SSH (22) is left direct.
            assertThat(peer.tcpFirstLine(APP_UID, vm.ipv4(), 9090)).isEqualTo("vm-app:9090");
            assertThat(stat(vm, "cluster.inbound_9090.upstream_cx_total")).isEqualTo(1);
            assertThat(peer.tcpFirstLine(APP_UID, vm.ipv4(), 22)).isEqualTo("vm-app:22");
            assertThat(stat(vm, "cluster.inbound_9090.upstream_cx_total")).isEqualTo(1);

            vm.exec(localize(captureUnit.command("ExecStop"), opt, bootstrap).toArray(String[]::new))
                    .orFail("outrigger-iptables.service ExecStop");
            assertThat(vm.exec("iptables-save").stdout()).doesNotContain("ISTIO_", "outrigger:");
            proxy.close();
        }
    }

    /** The unit's paths, pointed at this build: /opt/outrigger, its runtime, the bootstrap. */
    private static List<String> localize(List<String> command, Path opt, Path bootstrap) {
        String javaHome = System.getProperty("java.home");
        return command.stream()
                .map(a -> a.replace("/opt/outrigger/java", javaHome)
                        .replace("/opt/outrigger", opt.toString())
                        .replace("/etc/outrigger/bootstrap.yaml", bootstrap.toString()))
                // No AOT cache was trained for this JDK: drop the flag rather than test the warning.
                .filter(a -> !a.startsWith("-XX:AOTCache="))
                .toList();
    }

    private static int sysusersUid(String user) throws Exception {
        Matcher m = Pattern.compile("(?m)^u\\s+" + Pattern.quote(user) + "\\s+(\\d+)")
                .matcher(Files.readString(VM.resolve("outrigger.sysusers")));
        assertThat(m.find()).as("outrigger.sysusers declares user " + user).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static String admin(Pod vm, String path) {
        return vm.exec("timeout", "10", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/15000 && printf 'GET " + path
                + " HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && cat <&3").stdout();
    }

    private static long stat(Pod vm, String name) {
        for (String line : admin(vm, "/stats").lines().toList()) {
            if (line.startsWith(name + ": ")) {
                return Long.parseLong(line.substring(name.length() + 2).strip());
            }
        }
        throw new AssertionError("no stat " + name + " in /stats");
    }

    /** What a VM needs without a control plane: Istio's 15001 passthrough and a 15006 inbound listener. */
    private static final String STANDALONE_BOOTSTRAP = """
            node: { id: vm-test, cluster: vm-test }
            admin:
              address: { socket_address: { address: 127.0.0.1, port_value: 15000 } }
            static_resources:
              listeners:
              - name: virtualOutbound
                address: { socket_address: { address: 0.0.0.0, port_value: 15001 } }
                listener_filters:
                - name: envoy.filters.listener.original_dst
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst
                filter_chains:
                - filters:
                  - name: envoy.filters.network.tcp_proxy
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                      stat_prefix: PassthroughCluster
                      cluster: PassthroughCluster
              - name: virtualInbound
                address: { socket_address: { address: 0.0.0.0, port_value: 15006 } }
                listener_filters:
                - name: envoy.filters.listener.original_dst
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst
                filter_chains:
                - filter_chain_match: { destination_port: 9090 }
                  filters:
                  - name: envoy.filters.network.tcp_proxy
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                      stat_prefix: inbound_9090
                      cluster: inbound_9090
              clusters:
              - name: PassthroughCluster
                type: ORIGINAL_DST
                lb_policy: CLUSTER_PROVIDED
                connect_timeout: 2s
              # Inbound to the app on loopback (Istio before 1.10): forwarding to the VM's own
              # address needs upstream_bind_config 127.0.0.6, which Outrigger does not have yet.
              - name: inbound_9090
                type: STATIC
                connect_timeout: 2s
                load_assignment:
                  cluster_name: inbound_9090
                  endpoints:
                  - lb_endpoints:
                    - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 9090 } } }
            """;
}
