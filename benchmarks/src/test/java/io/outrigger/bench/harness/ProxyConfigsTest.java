package io.outrigger.bench.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The generated configs are accepted by the real proxies' own config checkers. */
class ProxyConfigsTest {

    @TempDir
    Path dir;

    private static boolean installed(String binary) {
        return !MachineInfo.command("sh", "-c", "command -v " + binary).isEmpty();
    }

    private static String check(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s said:%n%s", String.join(" ", command), out).isZero();
        return out;
    }

    @Test
    void haproxyAcceptsTheTcpAndHttpConfigs() throws Exception {
        assumeTrue(installed("haproxy"), "haproxy is not installed (benchmarks/bin/side-by-side installs it)");
        TlsFiles proxy = TlsFiles.devIdentities(dir, "proxy")[0];
        for (ProxyMode mode : ProxyMode.values()) {
            Path cfg = dir.resolve("haproxy-" + mode + ".cfg");
            Files.writeString(cfg, ProxyConfigs.haproxy(mode, 1, 18000, 18001, proxy, dir));
            check("haproxy", "-c", "-f", cfg.toString());
        }
    }

    @Test
    void nginxAcceptsTheStreamAndHttpConfigs() throws Exception {
        assumeTrue(installed("nginx"), "nginx is not installed (benchmarks/bin/side-by-side installs it)");
        assumeTrue(Files.exists(Path.of("/usr/lib/nginx/modules/ngx_stream_module.so")),
                "nginx's stream module is not installed (package libnginx-mod-stream)");
        TlsFiles proxy = TlsFiles.devIdentities(dir, "proxy")[0];
        for (ProxyMode mode : ProxyMode.values()) {
            Path conf = dir.resolve("nginx-" + mode + ".conf");
            Files.writeString(conf, ProxyConfigs.nginx(mode, 1, 18000, 18001, dir, proxy));
            check("nginx", "-t", "-e", dir.resolve("error.log").toString(), "-p", dir.toString(), "-c", conf.toString());
        }
    }

    @Test
    void outriggerValidatesItsBootstrap() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        // bin/outrigger builds proxy-core when its jar is missing; a test must not, so it needs the jar built.
        assumeTrue(Files.exists(repo.resolve("proxy-core/target/outrigger.jar")),
                "proxy-core/target/outrigger.jar is not built (./mvnw -pl proxy-core -am package)");
        Path bootstrap = dir.resolve("bootstrap.yaml");
        Files.writeString(bootstrap, ProxyConfigs.outriggerBootstrap(18000, 18002, 18001));
        check(repo.resolve("bin/outrigger").toString(), "validate", "-c", bootstrap.toString());
    }

    @Test
    void outriggerBootstrapIsAnEnvoyTcpProxyInFrontOfTheBackend() {
        String yaml = ProxyConfigs.outriggerBootstrap(18000, 18002, 18001);
        // What an Envoy user expects to find: the tcp_proxy filter's v3 type and the static cluster endpoint.
        assertThat(yaml).contains("envoy.filters.network.tcp_proxy")
                .contains("type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy")
                .contains("port_value: 18000").contains("port_value: 18001").contains("port_value: 18002");
    }
}
