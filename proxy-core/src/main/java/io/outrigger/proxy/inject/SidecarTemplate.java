package io.outrigger.proxy.inject;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * The containers and volumes Outrigger adds to a pod, following Istio's injection template where
 * Istio has an answer (names aside): the capture init container with NET_ADMIN and NET_RAW only,
 * the proxy as uid/gid 1337 with a read-only root, probes on {@code /healthz/ready} port 15021.
 */
final class SidecarTemplate {
    static final String INIT_NAME = "outrigger-init";
    static final String PROXY_NAME = "outrigger-proxy";
    static final String BOOTSTRAP_VOLUME = "outrigger-bootstrap";
    static final String SVID_VOLUME = "outrigger-svid";
    static final String TMP_VOLUME = "outrigger-tmp";
    static final List<String> VOLUMES = List.of(BOOTSTRAP_VOLUME, SVID_VOLUME, TMP_VOLUME);

    static final int PROXY_UID = 1337;
    static final int HEALTH_PORT = 15021;
    static final String READY_PATH = "/healthz/ready";
    /** The sidecar image's jlink'd runtime and jar (docker/Dockerfile.proxy). */
    static final String IMAGE_JAVA = "/opt/outrigger/java/bin/java";
    static final String IMAGE_JAR = "/opt/outrigger/outrigger.jar";
    static final String BOOTSTRAP_PATH = "/etc/outrigger/bootstrap.yaml";
    static final String SVID_DIR = "/var/run/secrets/outrigger";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private SidecarTemplate() {
    }

    /** The iptables-init container: root, but with only the two capabilities iptables needs. */
    static ObjectNode initContainer(String image, List<String> args) {
        ObjectNode c = JSON.objectNode();
        c.put("name", INIT_NAME);
        c.put("image", image);
        strings(c.putArray("args"), args);
        resources(c, "10m", "40Mi", "2000m", "1024Mi");
        ObjectNode sc = c.putObject("securityContext");
        sc.put("allowPrivilegeEscalation", false);
        ObjectNode caps = sc.putObject("capabilities");
        caps.putArray("add").add("NET_ADMIN").add("NET_RAW");
        caps.putArray("drop").add("ALL");
        sc.put("privileged", false);
        sc.put("readOnlyRootFilesystem", false);
        sc.put("runAsGroup", 0);
        sc.put("runAsNonRoot", false);
        sc.put("runAsUser", 0);
        return c;
    }

    /**
     * The proxy container. Native: {@code restartPolicy: Always} and a startup probe, so the
     * kubelet starts the next container only once the proxy is ready, and stops the proxy after
     * the app exits (Jobs finish). Classic: a postStart hook that blocks until ready, which holds
     * the containers listed after it (Istio's holdApplicationUntilProxyStarts).
     */
    static ObjectNode proxyContainer(PodOverrides o, String healthPath) {
        Objects.requireNonNull(o, "o");
        ObjectNode c = JSON.objectNode();
        c.put("name", PROXY_NAME);
        c.put("image", o.proxyImage());
        strings(c.putArray("args"), List.of("-c", BOOTSTRAP_PATH, "--concurrency", "2"));
        ArrayNode ports = c.putArray("ports");
        port(ports, "tcp-outbound", 15001);
        port(ports, "tcp-inbound", 15006);
        port(ports, "http-envoy-prom", 15090);
        port(ports, "http-health", HEALTH_PORT);
        resources(c, o.cpuRequest(), o.memoryRequest(), o.cpuLimit(), o.memoryLimit());
        if (o.nativeSidecar()) {
            c.put("restartPolicy", "Always");
        } else {
            ArrayNode command = c.putObject("lifecycle").putObject("postStart").putObject("exec").putArray("command");
            strings(command, List.of(IMAGE_JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx16m",
                    "-jar", IMAGE_JAR, "wait", "--url", "http://127.0.0.1:" + HEALTH_PORT + healthPath,
                    "--timeout-s", "60"));
        }
        probe(c.putObject("readinessProbe"), healthPath, 1, 2, 30);
        if (o.nativeSidecar()) {
            probe(c.putObject("startupProbe"), healthPath, 0, 1, 600);
        }
        ObjectNode sc = c.putObject("securityContext");
        sc.put("allowPrivilegeEscalation", false);
        sc.putObject("capabilities").putArray("drop").add("ALL");
        sc.put("privileged", false);
        sc.put("readOnlyRootFilesystem", true);
        sc.put("runAsGroup", PROXY_UID);
        sc.put("runAsNonRoot", true);
        sc.put("runAsUser", PROXY_UID);
        ArrayNode mounts = c.putArray("volumeMounts");
        mount(mounts, BOOTSTRAP_VOLUME, "/etc/outrigger", true);
        mount(mounts, SVID_VOLUME, SVID_DIR, true);
        // Netty unpacks its epoll/io_uring libraries to java.io.tmpdir; the root is read-only.
        mount(mounts, TMP_VOLUME, "/tmp", false);
        return c;
    }

    /**
     * The volumes the proxy mounts. The SVID secret is per service account (a SPIFFE identity is
     * {@code spiffe://TRUST_DOMAIN/ns/NS/sa/SA}) and optional: without it the proxy runs without mTLS.
     */
    static List<ObjectNode> volumes(String bootstrapConfigMap, String serviceAccount) {
        ObjectNode bootstrap = JSON.objectNode();
        bootstrap.put("name", BOOTSTRAP_VOLUME);
        bootstrap.putObject("configMap").put("name", bootstrapConfigMap);
        ObjectNode svid = JSON.objectNode();
        svid.put("name", SVID_VOLUME);
        ObjectNode secret = svid.putObject("secret");
        secret.put("secretName", "outrigger-svid-" + serviceAccount);
        secret.put("optional", true);
        ObjectNode tmp = JSON.objectNode();
        tmp.put("name", TMP_VOLUME);
        tmp.putObject("emptyDir").put("medium", "Memory");
        return List.of(bootstrap, svid, tmp);
    }

    private static void probe(ObjectNode probe, String path, int initialDelay, int period, int failureThreshold) {
        ObjectNode get = probe.putObject("httpGet");
        get.put("path", path);
        get.put("port", HEALTH_PORT);
        probe.put("initialDelaySeconds", initialDelay);
        probe.put("periodSeconds", period);
        probe.put("timeoutSeconds", 3);
        probe.put("failureThreshold", failureThreshold);
    }

    private static void resources(ObjectNode c, String cpu, String memory, String cpuLimit, String memoryLimit) {
        ObjectNode r = c.putObject("resources");
        r.putObject("limits").put("cpu", cpuLimit).put("memory", memoryLimit);
        r.putObject("requests").put("cpu", cpu).put("memory", memory);
    }

    private static void port(ArrayNode ports, String name, int number) {
        ports.addObject().put("name", name).put("containerPort", number).put("protocol", "TCP");
    }

    private static void mount(ArrayNode mounts, String name, String path, boolean readOnly) {
        ObjectNode m = mounts.addObject().put("name", name).put("mountPath", path);
        if (readOnly) {
            m.put("readOnly", true);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
