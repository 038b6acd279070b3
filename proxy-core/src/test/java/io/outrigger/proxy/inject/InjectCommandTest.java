package io.outrigger.proxy.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.outrigger.proxy.Main;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code outrigger inject} and {@code outrigger wait} as a user runs them, and the Kubernetes
 * semantics of the injected pod that the golden files only show: Istio's native-sidecar ordering
 * (capture, then proxy, then the app's own init containers), the classic container first with its
 * postStart hook, the per-pod annotations, and errors that name the resource and the annotation.
 */
class InjectCommandTest {
    @TempDir
    Path dir;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: web }
            spec:
              selector: { matchLabels: { app: web } }
              template:
                metadata:
                  labels: { app: web }
                  annotations: %s
                spec:
                  initContainers:
                  - { name: setup, image: busybox }
                  containers:
                  - { name: web, image: nginx }
            """;

    private record Run(int code, String out, String err) {
    }

    private Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The names of a list's entries (containers, volumes), in order. */
    private static List<String> names(JsonNode list) {
        List<String> out = new java.util.ArrayList<>();
        list.forEach(e -> out.add(e.path("name").asText()));
        return out;
    }

    private static JsonNode podSpec(String yaml) throws Exception {
        return InjectGoldenTest.documents(yaml).getFirst().path("spec").path("template").path("spec");
    }

    @Test
    void injectsAFileToStandardOutputWithTheDefaultImagesAndNativeSidecar() throws Exception {
        Path in = Files.writeString(dir.resolve("web.yaml"), DEPLOYMENT.formatted("{}"));
        Run r = cli("inject", "-f", in.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode spec = podSpec(r.out());
        assertThat(names(spec.path("initContainers")))
                .containsExactly("outrigger-init", "outrigger-proxy", "setup");
        assertThat(spec.path("initContainers").get(1).path("image").asText()).startsWith("outrigger/proxy:");
        assertThat(spec.path("initContainers").get(0).path("image").asText()).startsWith("outrigger/init:");
        assertThat(KubernetesSchema.problems(r.out())).isEmpty();
    }

    @Test
    void readsStandardInputAndWritesTheOutputFile() throws Exception {
        InputStream stdin = System.in;
        Path out = dir.resolve("out.yaml");
        try {
            System.setIn(new ByteArrayInputStream(DEPLOYMENT.formatted("{}").getBytes(StandardCharsets.UTF_8)));
            Run r = cli("inject", "-f", "-", "-o", out.toString(), "--k8s-version", "v1.27.9",
                    "--proxy-image", "reg/proxy:1", "--init-image", "reg/init:1", "--bootstrap-configmap", "mesh-bootstrap");
            assertThat(r.code()).as(r.err()).isZero();
        } finally {
            System.setIn(stdin);
        }
        JsonNode spec = podSpec(Files.readString(out));
        assertThat(spec.path("containers").get(0).path("image").asText()).isEqualTo("reg/proxy:1");
        assertThat(spec.path("initContainers").get(0).path("image").asText()).isEqualTo("reg/init:1");
        assertThat(names(spec.path("volumes"))).contains("outrigger-bootstrap");
        assertThat(spec.path("volumes").get(0).path("configMap").path("name").asText()).isEqualTo("mesh-bootstrap");
    }

    @Test
    void classicSidecarIsTheFirstContainerAndHoldsTheAppUntilReady() throws Exception {
        JsonNode spec = podSpec(InjectGoldenTest.injector("1.28").inject(DEPLOYMENT.formatted("{}"), "web.yaml"));
        assertThat(names(spec.path("initContainers"))).containsExactly("outrigger-init", "setup");
        assertThat(names(spec.path("containers"))).containsExactly("outrigger-proxy", "web");
        JsonNode proxy = spec.path("containers").get(0);
        assertThat(proxy.has("restartPolicy")).isFalse();
        assertThat(proxy.has("startupProbe")).isFalse();
        assertThat(proxy.path("lifecycle").path("postStart").path("exec").path("command").toString())
                .contains("\"wait\"", "http://127.0.0.1:15021/healthz/ready");
        // kubectl logs/exec should default to the app, not to the proxy listed first.
        assertThat(InjectGoldenTest.documents(InjectGoldenTest.injector("1.28").inject(DEPLOYMENT.formatted("{}"), "w"))
                .getFirst().path("spec").path("template").path("metadata").path("annotations")
                .path("kubectl.kubernetes.io/default-container").asText()).isEqualTo("web");
    }

    @Test
    void nativeSidecarAnnotationChoosesTheModePerPod() throws Exception {
        String classic = DEPLOYMENT.formatted("{ sidecar.istio.io/nativeSidecar: \"false\" }");
        assertThat(names(podSpec(InjectGoldenTest.injector("1.31").inject(classic, "w")).path("containers")))
                .containsExactly("outrigger-proxy", "web");
        String nativeOnOld = DEPLOYMENT.formatted("{ sidecar.istio.io/nativeSidecar: \"true\" }");
        assertThatThrownBy(() -> InjectGoldenTest.injector("1.28").inject(nativeOnOld, "w.yaml"))
                .hasMessageContaining("w.yaml (document 1): Deployment web")
                .hasMessageContaining("sidecar.istio.io/nativeSidecar: true needs Kubernetes >= 1.29");
    }

    @Test
    void invalidAnnotationFailsNamingTheFileResourceAndAnnotation() throws Exception {
        Path in = Files.writeString(dir.resolve("bad.yaml"), "kind: Service\nmetadata: {name: s}\n---\n"
                + DEPLOYMENT.formatted("{ traffic.sidecar.istio.io/excludeOutboundPorts: \"5432,http\" }"));
        Run r = cli("inject", "-f", in.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("outrigger inject: " + in + " (document 2): Deployment web: annotation "
                + "traffic.sidecar.istio.io/excludeOutboundPorts: '5432,http' (expected: comma-separated ports, e.g. 8080,9090)");
    }

    @Test
    void outOfRangePortsAndBadCidrsAndModesAreRejected() {
        for (String annotations : List.of("{ traffic.sidecar.istio.io/includeInboundPorts: \"70000\" }",
                "{ traffic.sidecar.istio.io/excludeOutboundIPRanges: \"10.0.0.0\" }",
                "{ sidecar.istio.io/interceptionMode: NONE }",
                "{ sidecar.istio.io/proxyMemory: \"lots\" }")) {
            assertThatThrownBy(() -> InjectGoldenTest.injector("1.29").inject(DEPLOYMENT.formatted(annotations), "w"))
                    .as(annotations).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(expected: ");
        }
    }

    @Test
    void badKubernetesVersionIsACommandLineError() throws Exception {
        Path in = Files.writeString(dir.resolve("web.yaml"), DEPLOYMENT.formatted("{}"));
        Run r = cli("inject", "-f", in.toString(), "--k8s-version", "latest");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("Kubernetes version: 'latest' (expected: MAJOR.MINOR, e.g. 1.29 or v1.28.3)");
        assertThat(KubernetesVersion.parse("v1.30.2-eks-1a2b").hasNativeSidecars()).isTrue();
        assertThat(KubernetesVersion.parse("1.28").hasNativeSidecars()).isFalse();
    }

    @Test
    void missingFileAndBrokenYamlAreReported() throws Exception {
        Run missing = cli("inject", "-f", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.yaml");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "kind: Pod\nspec: [unclosed\n");
        Run r = cli("inject", "-f", broken.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(broken + ": not valid YAML");
    }

    @Test
    void healthPathFlagMovesEveryProbeAndTheWait() throws Exception {
        Path in = Files.writeString(dir.resolve("web.yaml"), DEPLOYMENT.formatted("{}"));
        Run nativeRun = cli("inject", "-f", in.toString(), "--health-path", "/ready");
        JsonNode proxy = podSpec(nativeRun.out()).path("initContainers").get(1);
        assertThat(proxy.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
        assertThat(proxy.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
        Run classic = cli("inject", "-f", in.toString(), "--health-path", "/ready", "--k8s-version", "1.28");
        assertThat(podSpec(classic.out()).path("containers").get(0).path("lifecycle").toString())
                .contains("http://127.0.0.1:15021/ready");
        Run bad = cli("inject", "-f", in.toString(), "--health-path", "ready");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("health path: 'ready' (expected: a path starting with /)");
    }

    @Test
    void waitReturnsOneWhenTheProxyNeverBecomesReady() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = cli("wait", "--url", "http://127.0.0.1:" + port + "/healthz/ready", "--timeout-s", "1",
                "--period-ms", "50");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not ready after 1 s");
    }
}
