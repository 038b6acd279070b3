package io.outrigger.proxy.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code istioctl kube-inject} for Outrigger: adds the capture init container, the proxy (a native
 * sidecar from Kubernetes 1.29, else a classic container held until ready) and its volumes to every
 * pod template in a multi-document YAML stream, and leaves everything else as it was.
 *
 * <p>Injection is idempotent: a pod template that already carries {@link #STATUS_ANNOTATION} or a
 * container named {@code outrigger-proxy} is left alone, so injecting twice equals injecting once.
 * Pods with {@code hostNetwork: true} are skipped (capture rules would apply to the node), as are
 * those annotated or labelled {@code sidecar.istio.io/inject: "false"}.
 */
final class SidecarInjector {
    /** What was injected, as JSON (Istio's {@code sidecar.istio.io/status}). */
    static final String STATUS_ANNOTATION = "sidecar.outrigger.io/status";
    static final String DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";

    private static final YAMLFactory YAML = YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(YAML);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InjectOptions options;

    SidecarInjector(InjectOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Injects every workload in {@code yaml} and returns the stream, one document per input
     * document (empty documents dropped), separated by {@code ---}.
     *
     * @param source names the input in error messages (a file name, or "stdin")
     * @throws IllegalArgumentException when the YAML does not parse or an annotation is invalid;
     *     the message names the source, the resource and the annotation
     */
    String inject(String yaml, String source) {
        Objects.requireNonNull(yaml, "yaml");
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        for (int i = 0; i < docs.size(); i++) {
            injectDocument(docs.get(i), source + " (document " + (i + 1) + ")");
        }
        return write(docs);
    }

    private void injectDocument(JsonNode doc, String source) {
        if (!doc.isObject()) {
            return;
        }
        String kind = doc.path("kind").asText("");
        String where = source + ": " + kind + " " + doc.path("metadata").path("name").asText("?");
        switch (kind) {
            case "List" -> {
                JsonNode items = doc.path("items");
                for (JsonNode item : items) {
                    injectDocument(item, source);
                }
            }
            case "Pod" -> injectPod((ObjectNode) doc, where);
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job" ->
                    injectPod(template(doc.path("spec"), where, "spec.template"), where);
            case "CronJob" ->
                    injectPod(template(doc.path("spec").path("jobTemplate").path("spec"), where,
                            "spec.jobTemplate.spec.template"), where);
            default -> {
                // Services, ConfigMaps and everything else pass through untouched.
            }
        }
    }

    private static ObjectNode template(JsonNode spec, String where, String path) {
        JsonNode template = spec.path("template");
        if (!template.isObject()) {
            throw new IllegalArgumentException(where + ": " + path + " is missing (expected: a pod template)");
        }
        return (ObjectNode) template;
    }

    /** Injects one pod (or pod template): {@code metadata} and {@code spec}. */
    private void injectPod(ObjectNode pod, String where) {
        if (!pod.path("spec").isObject()) {
            throw new IllegalArgumentException(where + ": the pod has no spec");
        }
        ObjectNode spec = (ObjectNode) pod.get("spec");
        ObjectNode metadata = pod.has("metadata") && pod.get("metadata").isObject()
                ? (ObjectNode) pod.get("metadata") : pod.putObject("metadata");
        Map<String, String> annotations = strings(metadata.path("annotations"));
        Map<String, String> labels = strings(metadata.path("labels"));
        if (PodOverrides.optedOut(annotations, labels) || annotations.containsKey(STATUS_ANNOTATION)
                || spec.path("hostNetwork").asBoolean(false) || hasProxy(spec)) {
            return;
        }
        PodOverrides overrides = PodOverrides.read(annotations, options, where);
        String firstApp = spec.path("containers").path(0).path("name").asText("");

        ArrayNode inits = spec.has("initContainers") && spec.get("initContainers").isArray()
                ? (ArrayNode) spec.get("initContainers") : JSON.createArrayNode();
        ArrayNode containers = spec.has("containers") && spec.get("containers").isArray()
                ? (ArrayNode) spec.get("containers") : spec.putArray("containers");
        ObjectNode proxy = SidecarTemplate.proxyContainer(overrides, options.healthPath());
        // The capture rules go in before any other container runs, the proxy right after them, so
        // the app's own init containers already have the mesh (Istio orders them the same way).
        inits.insert(0, SidecarTemplate.initContainer(options.initImage(), overrides.initArgs()));
        List<String> injectedInits = new ArrayList<>(List.of(SidecarTemplate.INIT_NAME));
        List<String> injectedContainers = new ArrayList<>();
        if (overrides.nativeSidecar()) {
            inits.insert(1, proxy);
            injectedInits.add(SidecarTemplate.PROXY_NAME);
        } else {
            // First in the list: the kubelet starts containers in order and waits for each postStart hook.
            containers.insert(0, proxy);
            injectedContainers.add(SidecarTemplate.PROXY_NAME);
        }
        replaceInOrder(spec, "initContainers", inits);

        ArrayNode volumes = spec.has("volumes") && spec.get("volumes").isArray()
                ? (ArrayNode) spec.get("volumes") : spec.putArray("volumes");
        String serviceAccount = spec.path("serviceAccountName").asText("default");
        SidecarTemplate.volumes(options.bootstrapConfigMap(), serviceAccount).forEach(volumes::add);

        ObjectNode ann = metadata.has("annotations") && metadata.get("annotations").isObject()
                ? (ObjectNode) metadata.get("annotations") : metadata.putObject("annotations");
        if (!ann.has("prometheus.io/scrape") && !ann.has("prometheus.io/port") && !ann.has("prometheus.io/path")) {
            ann.put("prometheus.io/scrape", "true");
            ann.put("prometheus.io/port", "15090");
            ann.put("prometheus.io/path", "/stats/prometheus");
        }
        if (!ann.has(DEFAULT_CONTAINER) && !firstApp.isEmpty()) {
            // kubectl logs/exec would otherwise pick the proxy when it is the first container.
            ann.put(DEFAULT_CONTAINER, firstApp);
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("initContainers", injectedInits);
        status.put("containers", injectedContainers);
        status.put("volumes", SidecarTemplate.VOLUMES);
        status.put("mode", overrides.nativeSidecar() ? "native" : "classic");
        try {
            ann.put(STATUS_ANNOTATION, JSON.writeValueAsString(status));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts {@code initContainers} just before {@code containers} when it is new, as kubectl shows it. */
    private static void replaceInOrder(ObjectNode spec, String field, ArrayNode value) {
        if (spec.has(field)) {
            spec.set(field, value);
            return;
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        spec.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        spec.removeAll();
        boolean placed = false;
        for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
            if (e.getKey().equals("containers") && !placed) {
                spec.set(field, value);
                placed = true;
            }
            spec.set(e.getKey(), e.getValue());
        }
        if (!placed) {
            spec.set(field, value);
        }
    }

    private static boolean hasProxy(JsonNode spec) {
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode c : spec.path(list)) {
                if (SidecarTemplate.PROXY_NAME.equals(c.path("name").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String write(List<JsonNode> docs) {
        StringWriter out = new StringWriter();
        try {
            for (int i = 0; i < docs.size(); i++) {
                if (i > 0) {
                    out.write("---\n");
                }
                out.write(MAPPER.writeValueAsString(docs.get(i)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
