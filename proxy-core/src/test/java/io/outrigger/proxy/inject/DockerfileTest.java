package io.outrigger.proxy.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Dockerfiles, checked without a container engine: dockerfile-utils (the validator of the
 * VS Code Docker language service, from npm, pinned in docker/lint/package.json) parses them and
 * reports no problem, and the parsed instructions say what the images promise: the proxy image
 * builds its runtime with docker/jlink-runtime.sh (the script JlinkRuntimeTest runs), runs as
 * 1337 with no shell (exec-form entry point, no RUN in the final stage) on the AOT cache; the
 * init image runs as root with the capture options {@code outrigger inject} passes.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DockerfileTest {
    private static final Path LINT = Distribution.DOCKER.resolve("lint");
    private static JsonNode parsed;

    @BeforeAll
    static void parse() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed to parse the Dockerfiles (apt-get install nodejs npm)");
        if (!Files.isDirectory(LINT.resolve("node_modules/dockerfile-utils"))) {
            run(LINT, "npm", "ci", "--no-audit", "--no-fund");
        }
        String json = run(Distribution.DOCKER, "node", "lint/lint.js", "Dockerfile.proxy", "Dockerfile.init",
                "xds-server/Dockerfile");
        parsed = new ObjectMapper().readTree(json);
    }

    @Test
    void theDockerfilesParseWithoutProblems() {
        assertThat(parsed.path("Dockerfile.proxy").path("diagnostics")).isEmpty();
        assertThat(parsed.path("Dockerfile.init").path("diagnostics")).isEmpty();
        assertThat(parsed.path("xds-server/Dockerfile").path("diagnostics")).isEmpty();
        assertThat(parsed.path("Dockerfile.proxy").path("stages")).hasSize(2);
        assertThat(parsed.path("Dockerfile.init").path("stages")).hasSize(2);
    }

    @Test
    void theValidatorRejectsABrokenDockerfile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // So that "no diagnostics" above means something.
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nRUNN true\nEXPOSE http\n");
        JsonNode d = new ObjectMapper().readTree(run(dir, "node", LINT.resolve("lint.js").toString(), "Dockerfile"));
        assertThat(d.path("Dockerfile").path("diagnostics").findValuesAsText("message"))
                .contains("Unknown instruction: RUNN", "Invalid containerPort: http");
    }

    @Test
    void proxyImageRunsTheJlinkScriptAndStartsAsUid1337WithoutAShell() {
        JsonNode build = parsed.path("Dockerfile.proxy").path("stages").get(0);
        JsonNode run = parsed.path("Dockerfile.proxy").path("stages").get(1);
        assertThat(argsOf(build, "RUN")).contains(List.of("docker/jlink-runtime.sh", "/opt/outrigger"));
        assertThat(argsOf(run, "RUN")).as("no shell at run time: nothing to RUN in the final stage").isEmpty();
        assertThat(argsOf(run, "USER")).containsExactly(List.of("1337:1337"));
        // dockerfile-ast leaves flags (--from=build) out of the arguments.
        assertThat(argsOf(run, "COPY")).contains(List.of("/opt/outrigger", "/opt/outrigger"));
        List<String> entry = json(run, "ENTRYPOINT");
        assertThat(entry).as("exec form: no /bin/sh -c").isNotEmpty();
        assertThat(entry).startsWith("/opt/outrigger/java/bin/java", "@/opt/outrigger/jvm.options",
                "-XX:AOTCache=/opt/outrigger/outrigger.aot");
        assertThat(entry).endsWith("-jar", "/opt/outrigger/outrigger.jar");
        assertThat(json(run, "CMD")).containsExactly("-c", "/etc/outrigger/bootstrap.yaml");
        assertThat(argsOf(run, "EXPOSE")).containsExactly(List.of("15001", "15006", "15090", "15021"));
    }

    @Test
    void initImageRunsAsRootWithTheCaptureOptionsInjectPasses() {
        JsonNode run = parsed.path("Dockerfile.init").path("stages").get(1);
        assertThat(argsOf(run, "USER")).containsExactly(List.of("0:0"));
        assertThat(json(run, "ENTRYPOINT")).endsWith("-jar", "/opt/outrigger/iptables-init.jar");
        PodOverrides defaults = PodOverrides.read(Map.of(), new InjectOptions(KubernetesVersion.parse("1.29"),
                "p", "i", "b"), "test");
        assertThat(json(run, "CMD")).isEqualTo(defaults.initArgs());
        String apt = String.join(" ", argsOf(run, "RUN").getFirst());
        assertThat(apt).contains("iptables", "iproute2");
    }

    @Test
    void versionsAreBuildArgs() {
        for (String file : List.of("Dockerfile.proxy", "Dockerfile.init")) {
            JsonNode stages = parsed.path(file).path("stages");
            assertThat(stages.get(0).get(0).path("args").get(0).asText()).isEqualTo("${JDK_IMAGE}");
            assertThat(stages.get(1).get(0).path("args").get(0).asText()).matches("\\$\\{(RUNTIME|BASE)_IMAGE}");
            assertThat(argsOf(stages.get(1), "ARG")).contains(List.of("OUTRIGGER_VERSION=dev"));
        }
    }

    private static List<List<String>> argsOf(JsonNode stage, String keyword) {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode i : stage) {
            if (i.path("keyword").asText().equals(keyword)) {
                List<String> args = new ArrayList<>();
                i.path("args").forEach(a -> args.add(a.asText()));
                out.add(args);
            }
        }
        return out;
    }

    private static List<String> json(JsonNode stage, String keyword) {
        for (JsonNode i : stage) {
            if (i.path("keyword").asText().equals(keyword) && i.has("json")) {
                List<String> out = new ArrayList<>();
                i.path("json").forEach(a -> out.add(a.asText()));
                return out;
            }
        }
        return List.of();
    }

    private static boolean onPath(String command) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
