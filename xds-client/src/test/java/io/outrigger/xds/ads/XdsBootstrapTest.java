package io.outrigger.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.xds.config.BootstrapLoader;
import io.outrigger.xds.config.LoadedBootstrap;
import io.outrigger.xds.config.XdsBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From a bootstrap file on disk to a running ADS client. */
class XdsBootstrapTest {
    @TempDir
    Path dir;

    @Test
    void aStaticOnlyBootstrapHasNoAdsClient() throws Exception {
        Path file = dir.resolve("bootstrap.yaml");
        Files.writeString(file, """
                node: {id: sidecar, cluster: reviews}
                static_resources:
                  clusters:
                  - name: local
                    type: STATIC
                    connect_timeout: 1s
                    load_assignment:
                      cluster_name: local
                      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8080}}}}]}]
                """);
        LoadedBootstrap loaded = BootstrapLoader.load(file);

        assertThat(XdsBootstrap.adsConfig(loaded)).isEmpty();
        assertThat(XdsBootstrap.adsClient(loaded)).isEmpty();
    }
}
