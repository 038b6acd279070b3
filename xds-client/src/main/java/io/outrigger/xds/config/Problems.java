package io.outrigger.xds.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects every problem (and warning) found while reading one configuration, so that a user sees
 * all of them at once rather than fixing one per run. The resource context (type and name) is
 * switched as decoding moves from one resource to the next.
 */
final class Problems {
    private final String source;
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();
    private String resourceType;
    private String resourceName = "";

    Problems(String source, String resourceType) {
        this.source = Objects.requireNonNull(source, "source");
        this.resourceType = Objects.requireNonNull(resourceType, "resourceType");
    }

    String source() {
        return source;
    }

    String resourceType() {
        return resourceType;
    }

    String resourceName() {
        return resourceName;
    }

    /** Switches the resource that following problems are attributed to. */
    void enter(String type, String name) {
        this.resourceType = Objects.requireNonNull(type, "type");
        this.resourceName = Objects.requireNonNull(name, "name");
    }

    void error(String field, String message) {
        errors.add(new ConfigProblem(source, resourceType, resourceName, field, message));
    }

    void warn(String field, String message) {
        warnings.add(new ConfigProblem(source, resourceType, resourceName, field, message));
    }

    void addAll(Problems other) {
        errors.addAll(other.errors);
        warnings.addAll(other.warnings);
    }

    int errorCount() {
        return errors.size();
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<ConfigProblem> errors() {
        return List.copyOf(errors);
    }

    List<ConfigProblem> warnings() {
        return List.copyOf(warnings);
    }

    void throwIfAny() throws ConfigException {
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
    }

    /** {@code parent.child}, or {@code child} at the root. */
    static String path(String parent, String child) {
        return parent.isEmpty() ? child : parent + "." + child;
    }
}
