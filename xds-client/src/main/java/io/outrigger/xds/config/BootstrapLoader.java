package io.outrigger.xds.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Loads an Envoy v3 bootstrap ({@code -c bootstrap.yaml}) into the snapshot proxy-core builds from.
 *
 * <p>YAML or JSON, snake_case or lowerCamelCase field names, proto3 JSON values (durations such as
 * {@code "0.25s"}, 64-bit integers as strings, {@code typed_config} with {@code "@type"}). Every
 * problem found is reported at once, each with the file, resource and field path; see
 * {@link ConfigProblem}.
 */
public final class BootstrapLoader {
    private BootstrapLoader() {
    }

    /** Reads a YAML or JSON Envoy v3 Bootstrap, validates it, returns what proxy-core builds from. */
    public static LoadedBootstrap load(Path file) throws ConfigException {
        return load(file, Clock.systemUTC());
    }

    /**
     * As {@link #load(Path)}, with the clock that stamps {@code last_updated} in the config dump.
     */
    public static LoadedBootstrap load(Path file, Clock clock) throws ConfigException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        JsonNode root = ConfigText.read(file);
        return decode(root, file.toString(), clock);
    }

    /** Loads bootstrap text that did not come from a file; {@code source} names it in messages. */
    static LoadedBootstrap loadText(String text, String source, boolean json, Clock clock) throws ConfigException {
        return decode(ConfigText.parse(text, source, json), source, clock);
    }

    static LoadedBootstrap decode(JsonNode root, String source, Clock clock) throws ConfigException {
        Problems problems = new Problems(source, "Bootstrap");
        Bootstrap bootstrap = ProtoJsonReader.read(root, Bootstrap.getDefaultInstance(), "", problems);
        problems.throwIfAny();
        ConfigSnapshot snapshot = BootstrapDecoder.decode(bootstrap, problems);
        problems.throwIfAny();
        return new LoadedBootstrap(snapshot, bootstrap, problems.warnings(), clock.instant());
    }
}
