package io.outrigger.proxy.inject;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes server version, as {@code kubectl version} prints it ({@code v1.29.3}, {@code 1.28},
 * {@code v1.30.0-eks-1234}). Only major and minor matter for injection: native sidecars
 * ({@code initContainers} with {@code restartPolicy: Always}) are on by default from 1.29.
 */
record KubernetesVersion(int major, int minor) implements Comparable<KubernetesVersion> {
    /** The first release where the SidecarContainers feature gate is on by default (beta). */
    static final KubernetesVersion NATIVE_SIDECARS = new KubernetesVersion(1, 29);

    private static final Pattern FORMAT = Pattern.compile("v?(\\d+)\\.(\\d+)(?:[.+\\-].*)?");

    KubernetesVersion {
        if (major < 1) {
            throw new IllegalArgumentException("major: " + major + " (expected: >= 1)");
        }
        if (minor < 0) {
            throw new IllegalArgumentException("minor: " + minor + " (expected: >= 0)");
        }
    }

    static KubernetesVersion parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("Kubernetes version: '" + text
                    + "' (expected: MAJOR.MINOR, e.g. 1.29 or v1.28.3)");
        }
        return new KubernetesVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    boolean hasNativeSidecars() {
        return compareTo(NATIVE_SIDECARS) >= 0;
    }

    @Override
    public int compareTo(KubernetesVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
