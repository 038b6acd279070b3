package io.outrigger.proxy.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server on the JDK's own {@code com.sun.net.httpserver} (an implementation
 * independent of Netty). By default it answers every request with 200, the body
 * {@code <name> <method> <path>} and headers echoing what it received: {@code x-seen-host},
 * {@code x-seen-path} and {@code x-seen-<header>} for every request header.
 */
public final class HttpBackend implements AutoCloseable {
    /** Answers one request. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange, int requestNumber) throws IOException;
    }

    private final HttpServer server;
    private final String name;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();

    private HttpBackend(String name, Handler handler) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            int n = requests.incrementAndGet();
            byPath.computeIfAbsent(ex.getRequestURI().getPath(), k -> new AtomicInteger()).incrementAndGet();
            try (ex) {
                handler.handle(ex, n);
            }
        });
        server.start();
    }

    public static HttpBackend start(String name, Handler handler) {
        try {
            return new HttpBackend(name, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The echoing backend described in the class comment. */
    public static HttpBackend echo(String name) {
        return start(name, (ex, n) -> respond(ex, 200, name + " " + ex.getRequestMethod() + " " + ex.getRequestURI()));
    }

    /** Answers with {@code status} and {@code body}, echoing what was received in {@code x-seen-*} headers. */
    public static void respond(HttpExchange ex, int status, String body) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] received = in.readAllBytes();
            ex.getResponseHeaders().add("x-seen-body-length", Integer.toString(received.length));
        }
        ex.getResponseHeaders().add("x-seen-path", ex.getRequestURI().toString());
        ex.getRequestHeaders().forEach((k, v) -> ex.getResponseHeaders().add("x-seen-" + k.toLowerCase(), String.join(",", v)));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String name() {
        return name;
    }

    /** Requests received so far. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
