package io.outrigger.proxy.inject;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks manifests against the Kubernetes API types (fabric8's kubernetes-model, generated from
 * the Kubernetes OpenAPI schema), strictly: a field the schema does not define lands in a model's
 * {@code additionalProperties}, which must stay empty everywhere; a value of the wrong type fails
 * to deserialise. On top, the API server's pod-spec rules that inject could break: unique
 * container names, port names (IANA_SVC_NAME, at most 15 characters) and volume names,
 * {@code restartPolicy} only on init containers, every volume mount backed by a volume.
 */
final class KubernetesSchema {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    private KubernetesSchema() {
    }

    /** Returns the problems found in every document of {@code yaml}; empty when it is valid. */
    static List<String> problems(String yaml) throws IOException {
        List<String> problems = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int n = 0;
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                n++;
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                String where = "document " + n + " (" + doc.path("kind").asText() + " "
                        + doc.path("metadata").path("name").asText() + ")";
                Class<? extends HasMetadata> type = typeOf(doc.path("apiVersion").asText(), doc.path("kind").asText());
                if (type == null) {
                    problems.add(where + ": unknown apiVersion/kind " + doc.path("apiVersion").asText() + "/"
                            + doc.path("kind").asText());
                    continue;
                }
                HasMetadata resource;
                try {
                    resource = YAML.treeToValue(doc, type);
                } catch (IOException e) {
                    problems.add(where + ": " + e.getMessage());
                    continue;
                }
                unknownFields(resource, "", problems, where, new IdentityHashMap<>());
                PodSpec spec = podSpec(resource);
                if (spec != null) {
                    Set<String> claims = new HashSet<>();
                    if (resource instanceof StatefulSet ss && ss.getSpec().getVolumeClaimTemplates() != null) {
                        ss.getSpec().getVolumeClaimTemplates().forEach(c -> claims.add(c.getMetadata().getName()));
                    }
                    podRules(spec, claims, problems, where);
                }
            }
        }
        return problems;
    }

    private static Class<? extends HasMetadata> typeOf(String apiVersion, String kind) {
        return switch (apiVersion + "/" + kind) {
            case "v1/Pod" -> Pod.class;
            case "v1/Service" -> Service.class;
            case "v1/Namespace" -> io.fabric8.kubernetes.api.model.Namespace.class;
            case "v1/ConfigMap" -> io.fabric8.kubernetes.api.model.ConfigMap.class;
            case "v1/ServiceAccount" -> io.fabric8.kubernetes.api.model.ServiceAccount.class;
            case "apps/v1/Deployment" -> Deployment.class;
            case "apps/v1/StatefulSet" -> StatefulSet.class;
            case "apps/v1/DaemonSet" -> DaemonSet.class;
            case "batch/v1/Job" -> Job.class;
            case "batch/v1/CronJob" -> CronJob.class;
            default -> null;
        };
    }

    private static PodSpec podSpec(HasMetadata r) {
        return switch (r) {
            case Pod p -> p.getSpec();
            case Deployment d -> d.getSpec().getTemplate().getSpec();
            case StatefulSet s -> s.getSpec().getTemplate().getSpec();
            case DaemonSet d -> d.getSpec().getTemplate().getSpec();
            case Job j -> j.getSpec().getTemplate().getSpec();
            case CronJob c -> c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
            default -> null;
        };
    }

    private static void podRules(PodSpec spec, Set<String> claims, List<String> problems, String where) {
        Set<String> names = new HashSet<>();
        Set<String> portNames = new HashSet<>();
        List<Container> all = new ArrayList<>();
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        all.addAll(spec.getContainers());
        // A StatefulSet's volumeClaimTemplates become volumes of the same name.
        Set<String> volumes = new HashSet<>(claims);
        if (spec.getVolumes() != null) {
            spec.getVolumes().forEach(v -> {
                if (!volumes.add(v.getName())) {
                    problems.add(where + ": duplicate volume " + v.getName());
                }
            });
        }
        for (Container c : all) {
            if (!names.add(c.getName())) {
                problems.add(where + ": duplicate container name " + c.getName());
            }
            if (c.getPorts() != null) {
                for (ContainerPort p : c.getPorts()) {
                    if (p.getName() != null && (p.getName().length() > 15 || !PORT_NAME.matcher(p.getName()).matches()
                            || !portNames.add(p.getName()))) {
                        problems.add(where + ": port name " + p.getName() + " of " + c.getName()
                                + " is not a unique IANA_SVC_NAME of at most 15 characters");
                    }
                }
            }
            if (c.getVolumeMounts() != null) {
                c.getVolumeMounts().forEach(m -> {
                    if (!volumes.contains(m.getName())) {
                        problems.add(where + ": " + c.getName() + " mounts undefined volume " + m.getName());
                    }
                });
            }
        }
        for (Container c : spec.getContainers()) {
            if (c.getRestartPolicy() != null) {
                problems.add(where + ": container " + c.getName() + " has restartPolicy (only init containers may)");
            }
        }
        if (spec.getInitContainers() != null) {
            for (Container c : spec.getInitContainers()) {
                if (c.getRestartPolicy() != null && !c.getRestartPolicy().equals("Always")) {
                    problems.add(where + ": init container " + c.getName() + " restartPolicy "
                            + c.getRestartPolicy() + " (only Always is allowed)");
                }
                if (c.getRestartPolicy() == null && (c.getStartupProbe() != null || c.getReadinessProbe() != null
                        || c.getLifecycle() != null)) {
                    problems.add(where + ": init container " + c.getName()
                            + " has probes or lifecycle but is not a sidecar (restartPolicy: Always)");
                }
            }
        }
    }

    /** Walks the model's getters; any non-empty additionalProperties is a field the schema lacks. */
    private static void unknownFields(Object o, String path, List<String> problems, String where,
                                      IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", problems, where, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, problems, where, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(where + ": " + (path.isEmpty() ? "." : path) + " has fields the schema does not define: "
                            + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            unknownFields(value, path + "." + field, problems, where, seen);
        }
    }
}
