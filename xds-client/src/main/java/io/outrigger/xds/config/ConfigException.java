package io.outrigger.xds.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration was rejected; {@link #problems()} lists every problem found, not only the first. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: empty (expected: at least one)");
        }
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
