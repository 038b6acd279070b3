package io.outrigger.proxy.inject;

import java.util.Objects;

/**
 * What {@code outrigger inject} puts into a pod besides what the pod's annotations override.
 *
 * @param kubernetes the cluster's version: native sidecars from 1.29, the classic container before
 * @param proxyImage the sidecar image ({@code docker/Dockerfile.proxy})
 * @param initImage the init container image ({@code docker/Dockerfile.init})
 * @param bootstrapConfigMap the ConfigMap (in the pod's namespace) whose {@code bootstrap.yaml} the
 *     sidecar runs with
 * @param healthPath the path the probes and the postStart wait ask on port 15021 (Istio's
 *     {@code /healthz/ready}; {@code /ready} while the bootstrap forwards 15021 to the admin server)
 */
record InjectOptions(KubernetesVersion kubernetes, String proxyImage, String initImage, String bootstrapConfigMap,
                     String healthPath) {
    InjectOptions {
        Objects.requireNonNull(kubernetes, "kubernetes");
        requireText(proxyImage, "proxyImage");
        requireText(initImage, "initImage");
        requireText(bootstrapConfigMap, "bootstrapConfigMap");
        Objects.requireNonNull(healthPath, "healthPath");
        if (!healthPath.startsWith("/")) {
            throw new IllegalArgumentException("health path: '" + healthPath + "' (expected: a path starting with /)");
        }
    }

    InjectOptions(KubernetesVersion kubernetes, String proxyImage, String initImage, String bootstrapConfigMap) {
        this(kubernetes, proxyImage, initImage, bootstrapConfigMap, SidecarTemplate.READY_PATH);
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + ": '' (expected: a non-empty value)");
        }
    }
}
