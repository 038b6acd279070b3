package io.outrigger.proxy.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files for {@code outrigger inject}: each workload kind, native (Kubernetes 1.29) and
 * classic (1.28) sidecars, Istio's override annotations. Every output also passes the Kubernetes
 * schema check, contains the input unchanged apart from our additions, and is a fixed point of
 * injection. Regenerate after a deliberate change with {@code -Doutrigger.updateGolden=true}, then
 * review the diff.
 */
class InjectGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/inject");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String input : List.of("deployment", "statefulset", "daemonset", "job", "pod", "annotations")) {
            out.add(Arguments.of(input, "native", "1.29"));
            out.add(Arguments.of(input, "classic", "1.28"));
        }
        return out.stream();
    }

    static SidecarInjector injector(String k8sVersion) {
        return new SidecarInjector(new InjectOptions(KubernetesVersion.parse(k8sVersion), "outrigger/proxy:test",
                "outrigger/init:test", "outrigger-bootstrap"));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void injectedManifestMatchesGoldenFile(String input, String mode, String k8s) throws IOException {
        String in = Files.readString(DIR.resolve(input + ".in.yaml"));
        String out = injector(k8s).inject(in, input + ".in.yaml");
        Path golden = DIR.resolve(input + "." + mode + ".golden.yaml");
        if (Boolean.getBoolean("outrigger.updateGolden")) {
            Files.writeString(golden, out, StandardCharsets.UTF_8);
        }
        assertThat(out).isEqualTo(Files.readString(golden));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void injectedManifestIsValidAgainstTheKubernetesSchema(String input, String mode, String k8s) throws IOException {
        String in = Files.readString(DIR.resolve(input + ".in.yaml"));
        assertThat(KubernetesSchema.problems(in)).as("the input itself").isEmpty();
        String out = injector(k8s).inject(in, input + ".in.yaml");
        assertThat(KubernetesSchema.problems(out)).isEmpty();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void injectingAnInjectedManifestChangesNothing(String input, String mode, String k8s) throws IOException {
        String once = injector(k8s).inject(Files.readString(DIR.resolve(input + ".in.yaml")), input);
        assertThat(injector(k8s).inject(once, input)).isEqualTo(once);
        // Whatever the version of the second run: an injected pod is never injected again.
        assertThat(injector(mode.equals("native") ? "1.28" : "1.29").inject(once, input)).isEqualTo(once);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void outputIsTheInputPlusOnlyOurAdditions(String input, String mode, String k8s) throws IOException {
        String in = Files.readString(DIR.resolve(input + ".in.yaml"));
        List<JsonNode> before = documents(in);
        List<JsonNode> after = documents(injector(k8s).inject(in, input));
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            assertThat(withoutOurAdditions(after.get(i))).as("document %d", i + 1).isEqualTo(before.get(i));
        }
    }

    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode d = it.nextValue();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    /** Removes exactly what inject may add: our containers, volumes and annotations, empty holders. */
    private static JsonNode withoutOurAdditions(JsonNode doc) {
        JsonNode copy = doc.deepCopy();
        for (JsonNode pod : podsOf(copy)) {
            ObjectNode spec = (ObjectNode) pod.get("spec");
            for (String list : List.of("initContainers", "containers", "volumes")) {
                if (spec.get(list) instanceof ArrayNode a) {
                    removeOurs(a);
                    if (a.isEmpty() && !list.equals("containers")) {
                        spec.remove(list);
                    }
                }
            }
            if (pod.get("metadata") instanceof ObjectNode meta && meta.get("annotations") instanceof ObjectNode ann) {
                for (String added : List.of(SidecarInjector.STATUS_ANNOTATION, SidecarInjector.DEFAULT_CONTAINER,
                        "prometheus.io/port", "prometheus.io/path")) {
                    ann.remove(added);
                }
                if ("true".equals(ann.path("prometheus.io/scrape").asText()) && !ann.has("prometheus.io/port")) {
                    ann.remove("prometheus.io/scrape");
                }
                if (ann.isEmpty()) {
                    meta.remove("annotations");
                }
                if (meta.isEmpty()) {
                    ((ObjectNode) pod).remove("metadata");
                }
            }
        }
        return copy;
    }

    private static void removeOurs(ArrayNode a) {
        for (Iterator<JsonNode> it = a.iterator(); it.hasNext(); ) {
            if (it.next().path("name").asText().startsWith("outrigger-")) {
                it.remove();
            }
        }
    }

    private static List<JsonNode> podsOf(JsonNode doc) {
        return switch (doc.path("kind").asText()) {
            case "Pod" -> List.of(doc);
            case "Deployment", "StatefulSet", "DaemonSet", "Job" -> List.of(doc.path("spec").path("template"));
            case "CronJob" -> List.of(doc.path("spec").path("jobTemplate").path("spec").path("template"));
            default -> List.of();
        };
    }
}
