package io.outrigger.proxy.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.outrigger.iptables.testkit.ExecResult;
import io.outrigger.iptables.testkit.Pod;
import io.outrigger.iptables.testkit.PodNetwork;
import io.outrigger.iptables.testkit.PodProcess;
import io.outrigger.iptables.testkit.PortTagServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up ordering, with the kubelet's steps simulated on a pod built as a network namespace and
 * driven by the YAML {@code outrigger inject} produced: the init container's args go to
 * iptables-init, the proxy container's args to Outrigger as its {@code runAsUser}, the probe and
 * hook come from the manifest. The app's first instruction is a connection through the mesh: it
 * fails when the app starts right after the capture rules (nothing listens on 15001 yet), and
 * succeeds when the app starts as the kubelet starts it after a native sidecar (its startupProbe
 * passed) or after a classic sidecar's postStart hook ({@code outrigger wait}) returned.
 *
 * <p>Outrigger does not serve {@code /healthz/ready} on 15021 yet: the pod's bootstrap forwards
 * 15021 to the admin server (tcp_proxy) and the probe asks for the admin's {@code /ready}, which
 * reports the same LIVE state; the probe's port, period and threshold are the manifest's.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StartupOrderingPodTest {
    /** Stands in for {@code /healthz/ready} until the health listener exists (see the class doc). */
    private static final String READY_PATH_SERVED_TODAY = "/ready";
    private static final int APP_UID = 1000;

    @TempDir
    Path dir;
    private Path opt;

    @Test
    void appConnectingAtItsFirstInstructionSucceedsWhenStartedAfterTheNativeSidecarIsReady() throws Exception {
        PodNetwork.requireRoot();
        try (PodNetwork net = PodNetwork.create()) {
            Pod pod = net.addPod("app");
            Pod peer = net.addPod("peer");
            peer.startJava(-1, PortTagServer.class, "peer", "tcp:8080").awaitLine("READY", Duration.ofSeconds(60));
            JsonNode spec = injectedPodSpec("1.29", peer.ipv4());
            JsonNode init = spec.path("initContainers").get(0);
            JsonNode proxy = spec.path("initContainers").get(1);
            JsonNode app = spec.path("containers").get(0);
            assertThat(init.path("name").asText()).isEqualTo("outrigger-init");
            assertThat(proxy.path("name").asText()).isEqualTo("outrigger-proxy");
            assertThat(proxy.path("restartPolicy").asText()).isEqualTo("Always");

            pod.runIptablesInit(strings(init.path("args"))).orFail("init container");
            // Without the ordering: the app starts before the proxy and its connection is refused.
            assertThat(runApp(pod, app).stdout()).doesNotContain("got=peer:8080");

            PodProcess sidecar = startProxy(pod, proxy);
            awaitProbe(pod, proxy.path("startupProbe"), sidecar);
            ExecResult result = runApp(pod, app);
            assertThat(result.stdout()).as(result.toString()).contains("got=peer:8080");
            sidecar.close();
        }
    }

    @Test
    void appConnectingAtItsFirstInstructionSucceedsAfterTheClassicSidecarsPostStartHook() throws Exception {
        PodNetwork.requireRoot();
        try (PodNetwork net = PodNetwork.create()) {
            Pod pod = net.addPod("app");
            Pod peer = net.addPod("peer");
            peer.startJava(-1, PortTagServer.class, "peer", "tcp:8080").awaitLine("READY", Duration.ofSeconds(60));
            JsonNode spec = injectedPodSpec("1.28", peer.ipv4());
            JsonNode init = spec.path("initContainers").get(0);
            JsonNode proxy = spec.path("containers").get(0);
            JsonNode app = spec.path("containers").get(1);
            assertThat(proxy.path("name").asText()).isEqualTo("outrigger-proxy");

            pod.runIptablesInit(strings(init.path("args"))).orFail("init container");
            PodProcess sidecar = startProxy(pod, proxy);
            // The kubelet runs the postStart hook and starts the next container only when it returns.
            List<String> hook = new ArrayList<>();
            for (String a : strings(proxy.path("lifecycle").path("postStart").path("exec").path("command"))) {
                hook.add(localize(a, opt).replace(SidecarTemplate.READY_PATH, READY_PATH_SERVED_TODAY));
            }
            ExecResult waited = pod.execAs(SidecarTemplate.PROXY_UID, Duration.ofSeconds(120), hook.toArray(String[]::new));
            assertThat(waited.exitCode()).as(waited.toString()).isZero();
            ExecResult result = runApp(pod, app);
            assertThat(result.stdout()).as(result.toString()).contains("got=peer:8080");
            sidecar.close();
        }
    }

    /** A pod whose only container connects to the peer at its first instruction, injected. */
    private JsonNode injectedPodSpec(String k8s, String peerIp) throws Exception {
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata: { name: first-instruction }
                spec:
                  containers:
                  - name: app
                    image: busybox:1.37
                    command: ["bash", "-c", "exec 3<>/dev/tcp/%s/8080 && IFS= read -r line <&3 && echo got=$line"]
                """.formatted(peerIp);
        String injected = InjectGoldenTest.injector(k8s).inject(manifest, "pod.yaml");
        assertThat(KubernetesSchema.problems(injected)).isEmpty();
        return InjectGoldenTest.documents(injected).getFirst().path("spec");
    }

    /** The image's entry point with the container's args, as its runAsUser. */
    private PodProcess startProxy(Pod pod, JsonNode container) throws Exception {
        // @TempDir is private to root; the proxy runs as 1337.
        dir.toFile().setExecutable(true, false);
        opt = Files.createDirectories(dir.resolve("opt"));
        Distribution.assemble(opt);
        Files.writeString(dir.resolve("bootstrap.yaml"), POD_BOOTSTRAP);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin/java").toString(),
                "@" + opt.resolve("jvm.options"), "-jar", opt.resolve("outrigger.jar").toString()));
        for (String a : strings(container.path("args"))) {
            command.add(a.equals(SidecarTemplate.BOOTSTRAP_PATH) ? dir.resolve("bootstrap.yaml").toString() : a);
        }
        int uid = container.path("securityContext").path("runAsUser").asInt(-1);
        assertThat(uid).isEqualTo(SidecarTemplate.PROXY_UID);
        return pod.startAs(uid, command.toArray(String[]::new));
    }

    /** The kubelet's httpGet probe: every periodSeconds, at most failureThreshold times. */
    private static void awaitProbe(Pod pod, JsonNode probe, PodProcess sidecar) throws InterruptedException {
        int port = probe.path("httpGet").path("port").asInt();
        assertThat(port).isEqualTo(15021);
        assertThat(probe.path("httpGet").path("path").asText()).isEqualTo("/healthz/ready");
        int period = Math.max(1, probe.path("periodSeconds").asInt(10));
        int attempts = Math.min(probe.path("failureThreshold").asInt(3), 120);
        for (int i = 0; i < attempts; i++) {
            ExecResult r = pod.exec("timeout", String.valueOf(probe.path("timeoutSeconds").asInt(1) + 1), "bash", "-c",
                    "exec 3<>/dev/tcp/" + pod.ipv4() + "/" + port + " && printf 'GET " + READY_PATH_SERVED_TODAY
                            + " HTTP/1.1\\r\\nHost: " + pod.ipv4() + "\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n1 <&3");
            if (r.stdout().startsWith("HTTP/1.1 200")) {
                return;
            }
            if (!sidecar.isAlive()) {
                throw new AssertionError("the proxy exited: " + sidecar.outputLines());
            }
            Thread.sleep(period * 1000L);
        }
        throw new AssertionError("startup probe never passed after " + attempts + " attempts");
    }

    private static ExecResult runApp(Pod pod, JsonNode app) {
        return pod.execAs(APP_UID, Duration.ofSeconds(30), strings(app.path("command")));
    }

    /** The image's paths in a hook command, pointed at this build. */
    private static String localize(String a, Path opt) {
        return switch (a) {
            case SidecarTemplate.IMAGE_JAVA -> Path.of(System.getProperty("java.home"), "bin/java").toString();
            case SidecarTemplate.IMAGE_JAR -> opt.resolve("outrigger.jar").toString();
            default -> a;
        };
    }

    private static String[] strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(a -> out.add(a.asText()));
        return out.toArray(String[]::new);
    }

    /** Istio's 15001 passthrough, and 15021 forwarded to the admin server (see the class doc). */
    private static final String POD_BOOTSTRAP = """
            node: { id: pod-test, cluster: pod-test }
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
              - name: health
                address: { socket_address: { address: 0.0.0.0, port_value: 15021 } }
                filter_chains:
                - filters:
                  - name: envoy.filters.network.tcp_proxy
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                      stat_prefix: health
                      cluster: admin
              clusters:
              - name: PassthroughCluster
                type: ORIGINAL_DST
                lb_policy: CLUSTER_PROVIDED
                connect_timeout: 2s
              - name: admin
                type: STATIC
                connect_timeout: 1s
                load_assignment:
                  cluster_name: admin
                  endpoints:
                  - lb_endpoints:
                    - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 15000 } } }
            """;
}
