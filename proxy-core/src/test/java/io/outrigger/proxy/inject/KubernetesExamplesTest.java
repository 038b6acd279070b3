package io.outrigger.proxy.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.outrigger.xds.config.BootstrapLoader;
import io.outrigger.xds.config.LoadedBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/k8s: every manifest passes the Kubernetes schema check (RBAC kinds aside: fabric8's rbac
 * model is not a test dependency), the injected app is exactly what {@code outrigger inject} makes
 * of app.yaml today, and the sidecar bootstraps in the ConfigMaps load.
 */
class KubernetesExamplesTest {
    private static final Path K8S = Distribution.DOCKER.resolve("k8s");
    private static final Set<String> NOT_CHECKED = Set.of("ClusterRole", "ClusterRoleBinding");

    @TempDir
    Path dir;

    @Test
    void everyManifestIsValidAgainstTheKubernetesSchema() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(K8S)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("00-namespaces.yaml",
                "10-bootstrap.yaml", "20-app.injected.yaml", "30-xds-server.yaml", "40-prometheus.yaml", "app.yaml");
        for (Path f : files) {
            StringBuilder checked = new StringBuilder();
            for (JsonNode doc : InjectGoldenTest.documents(Files.readString(f))) {
                if (!NOT_CHECKED.contains(doc.path("kind").asText())) {
                    checked.append("---\n").append(new com.fasterxml.jackson.databind.ObjectMapper(
                            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).writeValueAsString(doc));
                }
            }
            assertThat(KubernetesSchema.problems(checked.toString())).as(f.toString()).isEmpty();
        }
    }

    @Test
    void injectedAppIsTheInjectionOfAppYaml() throws Exception {
        InjectOptions options = new InjectOptions(KubernetesVersion.parse("1.29"), "outrigger/proxy:dev",
                "outrigger/init:dev", "outrigger-bootstrap", "/ready");
        String expected = new SidecarInjector(options).inject(Files.readString(K8S.resolve("app.yaml")), "app.yaml");
        String actual = Files.readString(K8S.resolve("20-app.injected.yaml"));
        assertThat(actual.lines().filter(l -> !l.startsWith("#")).toList()).isEqualTo(expected.lines().toList());
    }

    @Test
    void sidecarBootstrapsInTheConfigMapsLoad() throws Exception {
        List<String> loaded = new ArrayList<>();
        for (JsonNode doc : InjectGoldenTest.documents(Files.readString(K8S.resolve("10-bootstrap.yaml")))) {
            Path f = dir.resolve(doc.path("metadata").path("name").asText() + ".yaml");
            Files.writeString(f, doc.path("data").path("bootstrap.yaml").asText());
            LoadedBootstrap b = BootstrapLoader.load(f);
            assertThat(b.warnings()).as(f.toString()).isEmpty();
            loaded.add(doc.path("metadata").path("name").asText());
        }
        assertThat(loaded).containsExactly("outrigger-bootstrap", "outrigger-bootstrap-ads");
    }
}
