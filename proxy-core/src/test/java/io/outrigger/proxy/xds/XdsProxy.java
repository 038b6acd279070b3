package io.outrigger.proxy.xds;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.transport.Transport;
import io.outrigger.xds.config.BootstrapLoader;
import io.outrigger.xds.config.LoadedBootstrap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A proxy in this JVM started from a bootstrap with dynamic_resources, as {@code Main} starts it. */
final class XdsProxy implements AutoCloseable {
    final ProxyServer server;
    final XdsConnection xds;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private XdsProxy(ProxyServer server, XdsConnection xds) {
        this.server = server;
        this.xds = xds;
    }

    static XdsProxy start(Path bootstrap, Duration drainTime) throws Exception {
        LoadedBootstrap loaded = BootstrapLoader.load(bootstrap);
        ProxyServer server = new ProxyServer(InProcessProxy.options(7).withDrainTime(drainTime), Transport.detect());
        XdsConnection xds = XdsConnection.create(loaded, server).orElseThrow();
        server.start(loaded.snapshot(), xds.configDump(loaded), xds.ready());
        xds.start();
        return new XdsProxy(server, xds);
    }

    /** The bound address of a listener, or {@code null} while it does not exist. */
    InetSocketAddress listener(String name) {
        return server.listenerAddress(name);
    }

    HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a stat from {@code /stats}, -1 if absent. */
    long stat(String dottedName) throws IOException, InterruptedException {
        for (String line : admin("/stats").body().split("\n")) {
            if (line.startsWith(dottedName + ": ")) {
                return Long.parseLong(line.substring(dottedName.length() + 2));
            }
        }
        return -1;
    }

    /** Connects to a listener and checks one echoed byte; the open connection for more. */
    static Socket echoConnection(InetSocketAddress address) throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout(30_000);
        roundTrip(s, 42);
        return s;
    }

    /** Writes a byte and expects it back. */
    static void roundTrip(Socket s, int b) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(b);
        out.flush();
        int got = in.read();
        if (got != b) {
            throw new IOException("expected " + b + " echoed, got " + got);
        }
    }

    /** Whether a new connection through {@code address} echoes a byte. */
    static boolean echoes(InetSocketAddress address) {
        try (Socket s = echoConnection(address)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        xds.close();
        server.close();
    }
}
