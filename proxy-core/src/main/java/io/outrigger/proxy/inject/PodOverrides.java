package io.outrigger.proxy.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A pod's per-pod overrides, read from the annotations Istio users already write on their pod
 * templates ({@code traffic.sidecar.istio.io/*}, {@code sidecar.istio.io/*}), checked when injecting
 * so that a typo fails {@code outrigger inject}, not the pod's init container at 3 a.m.
 *
 * @param initArgs the iptables-init command line (istio-iptables' options)
 * @param proxyImage the sidecar image ({@code sidecar.istio.io/proxyImage}, else the default)
 * @param cpuRequest {@code sidecar.istio.io/proxyCPU}
 * @param memoryRequest {@code sidecar.istio.io/proxyMemory}
 * @param cpuLimit {@code sidecar.istio.io/proxyCPULimit}
 * @param memoryLimit {@code sidecar.istio.io/proxyMemoryLimit}
 * @param nativeSidecar {@code sidecar.istio.io/nativeSidecar}, else what the cluster version allows
 */
record PodOverrides(List<String> initArgs, String proxyImage, String cpuRequest, String memoryRequest,
                    String cpuLimit, String memoryLimit, boolean nativeSidecar) {

    static final String INJECT = "sidecar.istio.io/inject";
    static final String INCLUDE_OUTBOUND_IP_RANGES = "traffic.sidecar.istio.io/includeOutboundIPRanges";
    static final String EXCLUDE_OUTBOUND_IP_RANGES = "traffic.sidecar.istio.io/excludeOutboundIPRanges";
    static final String INCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/includeInboundPorts";
    static final String EXCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/excludeInboundPorts";
    static final String INCLUDE_OUTBOUND_PORTS = "traffic.sidecar.istio.io/includeOutboundPorts";
    static final String EXCLUDE_OUTBOUND_PORTS = "traffic.sidecar.istio.io/excludeOutboundPorts";
    static final String INTERCEPTION_MODE = "sidecar.istio.io/interceptionMode";
    static final String PROXY_IMAGE = "sidecar.istio.io/proxyImage";
    static final String PROXY_CPU = "sidecar.istio.io/proxyCPU";
    static final String PROXY_MEMORY = "sidecar.istio.io/proxyMemory";
    static final String PROXY_CPU_LIMIT = "sidecar.istio.io/proxyCPULimit";
    static final String PROXY_MEMORY_LIMIT = "sidecar.istio.io/proxyMemoryLimit";
    static final String NATIVE_SIDECAR = "sidecar.istio.io/nativeSidecar";

    /** Istio's sidecar resources (values.global.proxy.resources). */
    static final String DEFAULT_CPU_REQUEST = "100m";
    static final String DEFAULT_MEMORY_REQUEST = "128Mi";
    static final String DEFAULT_CPU_LIMIT = "2000m";
    static final String DEFAULT_MEMORY_LIMIT = "1024Mi";

    /** The proxy's own ports, never captured inbound (Istio passes the same list to istio-init). */
    static final String PROXY_INBOUND_PORTS = "15090,15021,15020";

    private static final Pattern PORT_LIST = Pattern.compile("\\s*\\d{1,5}\\s*(,\\s*\\d{1,5}\\s*)*");
    private static final Pattern CIDR_LIST = Pattern.compile("\\s*[0-9A-Fa-f:.]+/\\d{1,3}\\s*(,\\s*[0-9A-Fa-f:.]+/\\d{1,3}\\s*)*");
    private static final Pattern QUANTITY = Pattern.compile("\\d+(\\.\\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");

    PodOverrides {
        initArgs = List.copyOf(initArgs);
        Objects.requireNonNull(proxyImage, "proxyImage");
    }

    /** Whether the pod asked not to be injected ({@code sidecar.istio.io/inject: "false"}). */
    static boolean optedOut(Map<String, String> annotations, Map<String, String> labels) {
        return "false".equalsIgnoreCase(labels.getOrDefault(INJECT, "").strip())
                || "false".equalsIgnoreCase(annotations.getOrDefault(INJECT, "").strip());
    }

    /**
     * Reads the overrides; {@code where} names the resource in error messages.
     *
     * @throws IllegalArgumentException naming the resource, the annotation and what was expected
     */
    static PodOverrides read(Map<String, String> annotations, InjectOptions defaults, String where) {
        Objects.requireNonNull(annotations, "annotations");
        Objects.requireNonNull(defaults, "defaults");
        String mode = annotations.getOrDefault(INTERCEPTION_MODE, "REDIRECT").strip();
        if (!mode.equals("REDIRECT") && !mode.equals("TPROXY")) {
            throw bad(where, INTERCEPTION_MODE, mode, "REDIRECT or TPROXY");
        }
        List<String> args = new ArrayList<>(List.of("-p", "15001", "-z", "15006", "-u", "1337", "-m", mode,
                "-i", cidrsOrStar(annotations, INCLUDE_OUTBOUND_IP_RANGES, "*", where),
                "-x", cidrsOrStar(annotations, EXCLUDE_OUTBOUND_IP_RANGES, "", where),
                "-b", portsOrStar(annotations, INCLUDE_INBOUND_PORTS, "*", where)));
        String excludeInbound = ports(annotations, EXCLUDE_INBOUND_PORTS, where);
        args.addAll(List.of("-d", excludeInbound.isEmpty() ? PROXY_INBOUND_PORTS
                : PROXY_INBOUND_PORTS + "," + excludeInbound));
        String excludeOutbound = ports(annotations, EXCLUDE_OUTBOUND_PORTS, where);
        if (!excludeOutbound.isEmpty()) {
            args.addAll(List.of("-o", excludeOutbound));
        }
        String includeOutbound = ports(annotations, INCLUDE_OUTBOUND_PORTS, where);
        if (!includeOutbound.isEmpty()) {
            args.addAll(List.of("-q", includeOutbound));
        }
        boolean nativeSidecar = defaults.kubernetes().hasNativeSidecars();
        String nativeValue = annotations.get(NATIVE_SIDECAR);
        if (nativeValue != null) {
            nativeValue = nativeValue.strip();
            if (!nativeValue.equals("true") && !nativeValue.equals("false")) {
                throw bad(where, NATIVE_SIDECAR, nativeValue, "true or false");
            }
            nativeSidecar = nativeValue.equals("true");
            if (nativeSidecar && !defaults.kubernetes().hasNativeSidecars()) {
                throw new IllegalArgumentException(where + ": annotation " + NATIVE_SIDECAR
                        + ": true needs Kubernetes >= " + KubernetesVersion.NATIVE_SIDECARS
                        + " (--k8s-version is " + defaults.kubernetes() + ")");
            }
        }
        String image = annotations.getOrDefault(PROXY_IMAGE, defaults.proxyImage()).strip();
        if (image.isEmpty()) {
            throw bad(where, PROXY_IMAGE, image, "an image reference");
        }
        return new PodOverrides(args, image,
                quantity(annotations, PROXY_CPU, DEFAULT_CPU_REQUEST, where),
                quantity(annotations, PROXY_MEMORY, DEFAULT_MEMORY_REQUEST, where),
                quantity(annotations, PROXY_CPU_LIMIT, DEFAULT_CPU_LIMIT, where),
                quantity(annotations, PROXY_MEMORY_LIMIT, DEFAULT_MEMORY_LIMIT, where),
                nativeSidecar);
    }

    private static String cidrsOrStar(Map<String, String> annotations, String name, String absent, String where) {
        String value = annotations.get(name);
        if (value == null) {
            return absent;
        }
        String v = value.strip();
        if (v.isEmpty() || v.equals("*")) {
            return v;
        }
        if (!CIDR_LIST.matcher(v).matches()) {
            throw bad(where, name, value, "'*' or comma-separated CIDRs, e.g. 10.0.0.0/8,fd00::/8");
        }
        return v.replace(" ", "");
    }

    private static String portsOrStar(Map<String, String> annotations, String name, String absent, String where) {
        String value = annotations.get(name);
        if (value == null) {
            return absent;
        }
        String v = value.strip();
        return v.equals("*") ? v : checkedPorts(v, name, value, where);
    }

    private static String ports(Map<String, String> annotations, String name, String where) {
        String value = annotations.get(name);
        return value == null ? "" : checkedPorts(value.strip(), name, value, where);
    }

    private static String checkedPorts(String v, String name, String original, String where) {
        if (v.isEmpty()) {
            return v;
        }
        if (!PORT_LIST.matcher(v).matches()) {
            throw bad(where, name, original, "comma-separated ports, e.g. 8080,9090");
        }
        String compact = v.replace(" ", "");
        for (String p : compact.split(",")) {
            int port = Integer.parseInt(p);
            if (port < 1 || port > 65535) {
                throw bad(where, name, original, "ports in 1..65535");
            }
        }
        return compact;
    }

    private static String quantity(Map<String, String> annotations, String name, String absent, String where) {
        String value = annotations.get(name);
        if (value == null) {
            return absent;
        }
        String v = value.strip();
        if (!QUANTITY.matcher(v).matches()) {
            throw bad(where, name, value, "a Kubernetes quantity, e.g. 100m or 128Mi");
        }
        return v;
    }

    private static IllegalArgumentException bad(String where, String annotation, String value, String expected) {
        return new IllegalArgumentException(where + ": annotation " + annotation + ": '" + value
                + "' (expected: " + expected + ")");
    }
}
