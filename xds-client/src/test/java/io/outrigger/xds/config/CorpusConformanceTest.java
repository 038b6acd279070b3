package io.outrigger.xds.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs every file of the shared corpus of real Envoy, Istio and Kuma configuration through the
 * loader (bootstraps) or the per-type decoders (resource lists and config dumps), and writes what
 * was accepted and what was not, with the first problem's path, to
 * {@code target/corpus-conformance.md}. Unsupported features are expected; a crash, or a message
 * that names neither a field nor a resource, fails the test.
 */
class CorpusConformanceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    /** One line of the report. {@code problems} empty means accepted; {@code note} explains a resource not decoded. */
    record Outcome(String file, String resource, List<ConfigProblem> problems, String note) {
        boolean accepted() {
            return problems.isEmpty() && note == null;
        }
    }

    @Test
    void everyCorpusFileIsAcceptedOrRejectedWithAFieldPathOrResourceName() throws IOException {
        Path corpus = Path.of("../../shared/corpus").toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(corpus), "corpus not found at " + corpus + " (expected /work/shared/corpus next to the repo); skipped");
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus)) {
            files = s.filter(Files::isRegularFile).filter(CorpusConformanceTest::isConfig).sorted().toList();
        }
        assertThat(files).as("config files in " + corpus).isNotEmpty();

        List<Outcome> outcomes = new ArrayList<>();
        List<String> crashes = new ArrayList<>();
        for (Path file : files) {
            String name = corpus.relativize(file).toString();
            try {
                outcomes.addAll(run(file, name));
            } catch (RuntimeException e) {
                crashes.add(name + ": " + e);
                e.printStackTrace();
            }
        }
        String report = report(outcomes, crashes);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/corpus-conformance.md"), report);
        System.out.println(report);

        assertThat(crashes).as("files that crashed the loader").isEmpty();
        List<ConfigProblem> unclear = outcomes.stream().flatMap(o -> o.problems().stream())
                .filter(p -> p.field().isEmpty() && p.resourceName().isEmpty() || p.message().isBlank())
                .toList();
        assertThat(unclear).as("problems naming neither a field nor a resource").isEmpty();
        // Every Istio-specific extension met is named as such in the reason.
        outcomes.stream().flatMap(o -> o.problems().stream())
                .filter(p -> p.message().contains("io.istio") || p.message().contains("metadataexchange")
                        || p.message().contains("istio.stats"))
                .forEach(p -> assertThat(p.message()).contains("Istio-specific"));
    }

    private static boolean isConfig(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    /** Classifies a file by its shape and runs what it holds through the matching decoders. */
    static List<Outcome> run(Path file, String name) {
        JsonNode root;
        try {
            root = ConfigText.read(file);
        } catch (ConfigException e) {
            return List.of(new Outcome(name, "(file)", e.problems(), null));
        }
        List<Outcome> out = new ArrayList<>();
        if (root.isObject() && isBootstrap(root)) {
            try {
                BootstrapLoader.load(file, CLOCK);
                out.add(new Outcome(name, "Bootstrap", List.of(), null));
            } catch (ConfigException e) {
                out.add(new Outcome(name, "Bootstrap", e.problems(), null));
            }
        } else if (root.isObject() && root.has("configs")) {
            configDump(root.get("configs"), name, out);
        } else if (root.isObject() && root.has("resources")) {
            JsonNode resources = root.get("resources");
            for (int i = 0; i < resources.size(); i++) {
                JsonNode r = resources.get(i);
                if (r.has("resource")) {
                    // Kuma's golden files wrap each resource as {name, resource}.
                    resource(r.get("resource"), null, "resources[" + i + "].resource", name, out);
                } else {
                    resource(r, null, "resources[" + i + "]", name, out);
                }
            }
        } else if (root.isObject() && root.has("xds")) {
            // Kuma's e2e goldens: {"xds": {typeUrl: {name: resource}}} (the "diff" is a patch on top, not a resource).
            for (Iterator<Map.Entry<String, JsonNode>> types = root.get("xds").fields(); types.hasNext(); ) {
                Map.Entry<String, JsonNode> t = types.next();
                for (Iterator<Map.Entry<String, JsonNode>> rs = t.getValue().fields(); rs.hasNext(); ) {
                    Map.Entry<String, JsonNode> r = rs.next();
                    resource(r.getValue(), t.getKey(), "xds[\"" + t.getKey() + "\"][\"" + r.getKey() + "\"]", name, out);
                }
            }
        } else if (root.isArray()) {
            // Envoy Gateway's goldens: a bare list of one resource type, named by the file suffix.
            String typeUrl = typeFromFileName(name);
            for (int i = 0; i < root.size(); i++) {
                resource(root.get(i), typeUrl, "[" + i + "]", name, out);
            }
        } else {
            out.add(new Outcome(name, "(file)", List.of(new ConfigProblem(name, "", "", "",
                    "unrecognised file shape")), null));
        }
        return out;
    }

    private static boolean isBootstrap(JsonNode root) {
        for (String k : List.of("static_resources", "staticResources", "dynamic_resources", "dynamicResources", "node", "admin")) {
            if (root.has(k)) {
                return true;
            }
        }
        return false;
    }

    private static String typeFromFileName(String name) {
        if (name.contains(".clusters.")) {
            return "type.googleapis.com/envoy.config.cluster.v3.Cluster";
        }
        if (name.contains(".routes.")) {
            return "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
        }
        if (name.contains(".listeners.")) {
            return "type.googleapis.com/envoy.config.listener.v3.Listener";
        }
        if (name.contains(".endpoints.")) {
            return "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
        }
        return null;
    }

    private static void configDump(JsonNode configs, String name, List<Outcome> out) {
        for (int i = 0; i < configs.size(); i++) {
            JsonNode c = configs.get(i);
            String type = MessageTypes.fullName(c.path("@type").asText());
            String p = "configs[" + i + "]";
            switch (type) {
                case "envoy.admin.v3.BootstrapConfigDump" -> {
                    Problems problems = new Problems(name, "Bootstrap");
                    Bootstrap b = ProtoJsonReader.read(c.get("bootstrap"), Bootstrap.getDefaultInstance(), p + ".bootstrap", problems);
                    if (b != null) {
                        BootstrapDecoder.decode(b, problems);
                    }
                    out.add(new Outcome(name, p + " Bootstrap", problems.errors(), null));
                }
                case "envoy.admin.v3.ListenersConfigDump" -> {
                    each(c, "static_listeners", "listener", p, name, out);
                    each(c, "dynamic_listeners", "active_state.listener", p, name, out);
                    each(c, "dynamic_listeners", "warming_state.listener", p, name, out);
                }
                case "envoy.admin.v3.ClustersConfigDump" -> {
                    each(c, "static_clusters", "cluster", p, name, out);
                    each(c, "dynamic_active_clusters", "cluster", p, name, out);
                    each(c, "dynamic_warming_clusters", "cluster", p, name, out);
                }
                case "envoy.admin.v3.EndpointsConfigDump" -> {
                    each(c, "static_endpoint_configs", "endpoint_config", p, name, out);
                    each(c, "dynamic_endpoint_configs", "endpoint_config", p, name, out);
                }
                case "envoy.admin.v3.RoutesConfigDump" -> {
                    each(c, "static_route_configs", "route_config", p, name, out);
                    each(c, "dynamic_route_configs", "route_config", p, name, out);
                }
                case "envoy.admin.v3.SecretsConfigDump" -> {
                    each(c, "static_secrets", "secret", p, name, out);
                    each(c, "dynamic_active_secrets", "secret", p, name, out);
                }
                default -> out.add(new Outcome(name, p + " " + type, List.of(), "not a resource dump; not decoded"));
            }
        }
    }

    private static void each(JsonNode dump, String list, String field, String path, String name, List<Outcome> out) {
        JsonNode items = dump.path(list);
        for (int i = 0; i < items.size(); i++) {
            JsonNode r = items.get(i);
            String p = path + "." + list + "[" + i + "]";
            for (String part : field.split("\\.")) {
                r = r.path(part);
                p = p + "." + part;
            }
            if (!r.isMissingNode()) {
                resource(r, null, p, name, out);
            }
        }
    }

    /** Reads one resource (an Any with "@type", or a bare message of {@code typeUrl}) and decodes it by type. */
    private static void resource(JsonNode node, String typeUrl, String path, String file, List<Outcome> out) {
        String type = node.has("@type") ? node.get("@type").asText() : typeUrl;
        if (type == null) {
            out.add(new Outcome(file, path, List.of(new ConfigProblem(file, "", "", path,
                    "resource without \"@type\" and no type known from the file name")), null));
            return;
        }
        JsonNode body = node;
        if (node.has("@type")) {
            body = node.deepCopy();
            ((ObjectNode) body).remove("@type");
        }
        switch (MessageTypes.fullName(type)) {
            case "envoy.config.listener.v3.Listener" -> {
                Problems p = new Problems(file, "Listener");
                Listener l = ProtoJsonReader.read(body, Listener.getDefaultInstance(), path, p);
                if (l != null) {
                    ListenerDecoder.decode(l, path, p);
                }
                out.add(new Outcome(file, label("Listener", l == null ? body.path("name").asText() : l.getName(), path), p.errors(), null));
            }
            case "envoy.config.cluster.v3.Cluster" -> {
                Problems p = new Problems(file, "Cluster");
                Cluster c = ProtoJsonReader.read(body, Cluster.getDefaultInstance(), path, p);
                if (c != null) {
                    ClusterDecoder.decode(c, path, p);
                }
                out.add(new Outcome(file, label("Cluster", c == null ? body.path("name").asText() : c.getName(), path), p.errors(), null));
            }
            case "envoy.config.endpoint.v3.ClusterLoadAssignment" -> {
                Problems p = new Problems(file, "ClusterLoadAssignment");
                ClusterLoadAssignment cla = ProtoJsonReader.read(body, ClusterLoadAssignment.getDefaultInstance(), path, p);
                if (cla != null) {
                    p.enter("ClusterLoadAssignment", cla.getClusterName());
                    LoadAssignmentDecoder.decode(cla, path, p, Addresses.Form.IP_LITERAL, "an EDS endpoint");
                }
                out.add(new Outcome(file, label("ClusterLoadAssignment", cla == null ? "" : cla.getClusterName(), path), p.errors(), null));
            }
            case "envoy.config.route.v3.RouteConfiguration" -> readOnly(body, RouteConfiguration.getDefaultInstance(), "RouteConfiguration", path, file, out);
            case "envoy.extensions.transport_sockets.tls.v3.Secret" -> {
                Problems p = new Problems(file, "Secret");
                Secret sec = ProtoJsonReader.read(body, Secret.getDefaultInstance(), path, p);
                if (sec != null) {
                    TlsDecoder.secret(sec, path, p);
                }
                out.add(new Outcome(file, label("Secret", sec == null ? body.path("name").asText() : sec.getName(), path), p.errors(), null));
            }
            default -> out.add(new Outcome(file, path + " " + MessageTypes.fullName(type), List.of(), "not an xDS resource type; not decoded"));
        }
    }

    /** Types whose decoders come later: read them (so unknown fields and types still show) but do not decode. */
    private static void readOnly(JsonNode body, Message prototype, String type, String path, String file, List<Outcome> out) {
        Problems p = new Problems(file, type);
        Message m = ProtoJsonReader.read(body, prototype, path, p);
        String label = label(type, body.path("name").asText(), path);
        out.add(new Outcome(file, label, p.errors(), m == null ? null : type + " read; its decoder is not implemented yet"));
    }

    private static String label(String type, String name, String path) {
        return type + " \"" + name + "\" (" + path + ")";
    }

    private static String report(List<Outcome> outcomes, List<String> crashes) {
        long accepted = outcomes.stream().filter(Outcome::accepted).count();
        long rejected = outcomes.stream().filter(o -> !o.problems().isEmpty()).count();
        long notDecoded = outcomes.size() - accepted - rejected;
        StringBuilder b = new StringBuilder("# Corpus conformance\n\n");
        b.append(outcomes.size()).append(" resources: ").append(accepted).append(" accepted, ").append(rejected)
                .append(" rejected (first problem shown), ").append(notDecoded).append(" not decoded (type not implemented yet); ")
                .append(crashes.size()).append(" crashes.\n\n");
        b.append("| file | resource | result |\n|---|---|---|\n");
        for (Outcome o : outcomes) {
            String result;
            if (o.accepted()) {
                result = "accepted";
            } else if (o.problems().isEmpty()) {
                result = o.note();
            } else {
                ConfigProblem first = o.problems().get(0);
                result = "rejected: `" + (first.field().isEmpty() ? "(root)" : first.field()) + "`: " + first.message()
                        + (o.problems().size() > 1 ? " (+" + (o.problems().size() - 1) + " more)" : "");
            }
            b.append("| ").append(o.file()).append(" | ").append(o.resource().replace("|", "\\|")).append(" | ")
                    .append(result.replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        for (String c : crashes) {
            b.append("| CRASH | | ").append(c.replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }
}
