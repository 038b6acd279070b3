package io.outrigger.xds.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML to a JSON tree the way Envoy reads it: anchors and aliases expanded (Jackson's YAML reader
 * would turn an alias into the anchor's name as a string, silently), merge keys ({@code <<})
 * applied, entries tagged {@code !ignore} dropped (Envoy's way of holding anchors outside the
 * schema), timestamps kept as the text written.
 */
final class YamlTree {
    /** Generous: a bootstrap with thousands of clusters is a few MB; SnakeYAML's default is 3 MB. */
    private static final int MAX_CODE_POINTS = 256 * 1024 * 1024;
    private static final Object IGNORED = new Object();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private YamlTree() {
    }

    /** @throws org.yaml.snakeyaml.error.YAMLException on a syntax error, with the position when known */
    static JsonNode parse(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowDuplicateKeys(false);
        // Configs reuse anchors a lot (one per route or cluster template); still bounded against alias bombs.
        options.setMaxAliasesForCollections(10_000);
        Object value = new Yaml(new EnvoyConstructor(options), new org.yaml.snakeyaml.representer.Representer(
                new org.yaml.snakeyaml.DumperOptions()), new org.yaml.snakeyaml.DumperOptions(), options).load(text);
        return toJson(value);
    }

    private static JsonNode toJson(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof Map<?, ?> map) {
            ObjectNode o = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getKey() == IGNORED || e.getValue() == IGNORED) {
                    continue;
                }
                o.set(String.valueOf(e.getKey()), toJson(e.getValue()));
            }
            return o;
        }
        if (v instanceof List<?> list) {
            ArrayNode a = NODES.arrayNode();
            for (Object e : list) {
                if (e != IGNORED) {
                    a.add(toJson(e));
                }
            }
            return a;
        }
        return switch (v) {
            case String s -> NODES.textNode(s);
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case BigInteger b -> NODES.numberNode(b);
            case Double d -> d.isNaN() ? NODES.textNode("NaN")
                    : d.isInfinite() ? NODES.textNode(d > 0 ? "Infinity" : "-Infinity") : NODES.numberNode(d);
            case byte[] bytes -> NODES.textNode(java.util.Base64.getEncoder().encodeToString(bytes));
            default -> NODES.textNode(String.valueOf(v));
        };
    }

    /** SnakeYAML's safe types, with timestamps as text and Envoy's {@code !ignore}. */
    private static final class EnvoyConstructor extends SafeConstructor {
        EnvoyConstructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
            yamlConstructors.put(new Tag("!ignore"), new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return IGNORED;
                }
            });
        }
    }
}
