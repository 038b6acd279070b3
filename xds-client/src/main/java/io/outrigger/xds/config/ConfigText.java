package io.outrigger.xds.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns a YAML or JSON configuration file into a JSON tree, the form protobuf's JSON parser and our
 * field checker work on. Syntax errors name the file, line and column.
 */
final class ConfigText {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();


    private ConfigText() {
    }

    /** Reads {@code file}; JSON when the name ends in {@code .json}, YAML (a superset) otherwise. */
    static JsonNode read(Path file) throws ConfigException {
        String source = file.toString();
        if (!Files.exists(file)) {
            throw single(source, "file does not exist (expected a readable Envoy v3 bootstrap, YAML or JSON)");
        }
        if (Files.isDirectory(file)) {
            throw single(source, "is a directory (expected a readable Envoy v3 bootstrap file, YAML or JSON)");
        }
        if (!Files.isReadable(file)) {
            throw single(source, "file is not readable (check its permissions)");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw single(source, "file does not exist (expected a readable Envoy v3 bootstrap, YAML or JSON)");
        } catch (IOException e) {
            throw single(source, "file is not readable: " + e);
        }
        return parse(text, source, isJson(file));
    }

    static boolean isJson(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    }

    /** Parses {@code text}; {@code source} names it in messages. */
    static JsonNode parse(String text, String source, boolean json) throws ConfigException {
        JsonNode root;
        try {
            root = json ? JSON.readTree(text) : YamlTree.parse(text);
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            throw yamlError(source, e);
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw single(source, "YAML error: " + firstLine(e.getMessage()));
        } catch (JsonProcessingException e) {
            MarkedYAMLException yaml = yamlCause(e);
            if (yaml != null && yaml.getProblemMark() != null) {
                throw yamlError(source, yaml);
            }
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw single(source, (json ? "JSON" : "YAML") + " syntax error" + where + ": " + firstLine(e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw single(source, "file is empty (expected an Envoy v3 bootstrap)");
        }
        return root;
    }

    static String toJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree we built from parsed text always serialises.
            throw new IllegalStateException(e);
        }
    }

    /** SnakeYAML knows the offending spot and what was wrong there, and where the enclosing construct began. */
    private static ConfigException yamlError(String source, MarkedYAMLException yaml) {
        Mark at = yaml.getProblemMark();
        String context = "";
        if (yaml.getContext() != null && yaml.getContextMark() != null) {
            context = " (" + yaml.getContext() + " at line " + (yaml.getContextMark().getLine() + 1)
                    + ", column " + (yaml.getContextMark().getColumn() + 1) + ")";
        }
        String where = at == null ? "" : " at line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1);
        return single(source, "YAML syntax error" + where + ": " + firstLine(yaml.getProblem()) + context);
    }

    private static MarkedYAMLException yamlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m) {
                return m;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    private static ConfigException single(String source, String message) {
        return new ConfigException(List.of(new ConfigProblem(source, "Bootstrap", "", "", message)));
    }

}
