package io.outrigger.proxy.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/jlink-runtime.sh, the steps Dockerfile.proxy runs, builds a runtime here: jlink'd with
 * fewer modules than the JDK, an AOT cache from the training run, and Outrigger on it serves
 * {@code /ready} 200 — with {@code -XX:AOTMode=on}, which makes the JVM refuse to start if the
 * cache does not fit this runtime and jars.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class JlinkRuntimeTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void jlinkedRuntimeWithTheAotCacheServesReady() throws Exception {
        Path dist = Files.createDirectories(dir.resolve("dist"));
        Path jar = Distribution.assemble(dist);
        Path out = dir.resolve("runtime");
        String javaHome = System.getProperty("java.home");
        ProcessBuilder script = new ProcessBuilder(Distribution.DOCKER.resolve("jlink-runtime.sh").toString(),
                out.toString(), Integer.toString(Ports.free()), Integer.toString(Ports.free()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("jlink.log").toFile());
        script.environment().put("JAVA_HOME", javaHome);
        script.environment().put("OUTRIGGER_JAR", jar.toString());
        script.environment().put("OUTRIGGER_LIB", dist.resolve("lib").toString());
        Process p = script.start();
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("jlink-runtime.sh finished").isTrue();
        String log = Files.readString(dir.resolve("jlink.log"));
        assertThat(p.exitValue()).as(log).isZero();

        assertThat(out.resolve("outrigger.aot")).isNotEmptyFile();
        List<String> modules = lines(out.resolve("java/bin/java").toString(), "--list-modules");
        List<String> jdkModules = lines(Path.of(javaHome, "bin/java").toString(), "--list-modules");
        assertThat(modules).anyMatch(m -> m.startsWith("java.base@")).anyMatch(m -> m.startsWith("jdk.unsupported@"));
        assertThat(modules).noneMatch(m -> m.startsWith("jdk.compiler@") || m.startsWith("jdk.jshell@"));
        assertThat(modules.size()).isLessThan(jdkModules.size() / 2);
        System.out.printf("jlink'd runtime: %d of %d modules, %d MiB; AOT cache %d MiB%n", modules.size(),
                jdkModules.size(), size(out.resolve("java")) >> 20, Files.size(out.resolve("outrigger.aot")) >> 20);

        int admin = Ports.free();
        Path bootstrap = dir.resolve("bootstrap.yaml");
        Files.writeString(bootstrap, Files.readString(Distribution.DOCKER.resolve("aot-training.yaml"))
                .replace("@ADMIN_PORT@", Integer.toString(admin))
                .replace("@LISTENER_PORT@", Integer.toString(Ports.free())));
        List<String> cmd = new ArrayList<>(List.of(out.resolve("java/bin/java").toString(),
                "@" + out.resolve("jvm.options"), "-XX:AOTCache=" + out.resolve("outrigger.aot"), "-XX:AOTMode=on",
                "-jar", out.resolve("outrigger.jar").toString(), "-c", bootstrap.toString()));
        Process proxy = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("proxy.log").toFile())
                .start();
        long started = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .failFast("the proxy exited", () -> !proxy.isAlive())
                    .until(() -> status(admin, "GET", "/ready") == 200);
            System.out.printf("jlink'd runtime + AOT cache: ready after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(status(admin, "POST", "/quitquitquit")).isEqualTo(200);
            assertThat(proxy.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(proxy.exitValue()).as(Files.readString(dir.resolve("proxy.log"))).isZero();
        } finally {
            proxy.destroyForcibly();
        }
    }

    private static int status(int port, String method, String path) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build();
            return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static List<String> lines(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static long size(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
