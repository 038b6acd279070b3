package io.outrigger.bench.harness;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The upstream side of one scenario: the cleartext backend every proxy forwards to and, when a
 * subject carries mutual TLS, a TLS-serving backend for {@code direct} and the identities (one
 * dev CA: load generator, proxy, backend).
 *
 * @param tlsBackend null when no subject of the scenario uses TLS
 * @param client     the load generator's identity, null likewise
 * @param proxy      the proxies' serving identity, null likewise
 */
record Testbed(Backend backend, Backend tlsBackend, TlsFiles client, TlsFiles proxy) implements AutoCloseable {

    static Testbed start(Scenario scenario, int backendThreads, Path workDir) throws IOException, InterruptedException {
        Backend plain = Backend.start(Backend.Options.defaults().withThreads(backendThreads));
        if (!scenario.modes().containsValue(ProxyMode.TCP_MTLS)) {
            return new Testbed(plain, null, null, null);
        }
        try {
            TlsFiles[] ids = TlsFiles.devIdentities(workDir.resolve(scenario.id() + "-identities"),
                    "loadgen", "proxy", "backend");
            Backend tls = Backend.start(Backend.Options.defaults().withThreads(backendThreads).withTls(ids[2]));
            return new Testbed(plain, tls, ids[0], ids[1]);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    @Override
    public void close() {
        backend.close();
        if (tlsBackend != null) {
            tlsBackend.close();
        }
    }
}
