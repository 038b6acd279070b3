package io.outrigger.proxy.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The application side of a capture test, run as its own process inside a network namespace
 * ({@code ip netns exec}): {@code echo HOST PORT} serves an echo, {@code client HOST PORT TEXT ADMIN}
 * sends TEXT to HOST:PORT (which iptables redirects to the proxy), prints what came back, then
 * prints the proxy's {@code /stats} and {@code /clusters} from ADMIN ({@code host:port}).
 */
public final class NetnsPeer {
    private NetnsPeer() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "echo" -> echo(args[1], Integer.parseInt(args[2]));
            case "client" -> client(args[1], Integer.parseInt(args[2]), args[3], args[4]);
            default -> throw new IllegalArgumentException("mode: " + args[0] + " (expected: echo or client)");
        }
    }

    private static void echo(String host, int port) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.ofLiteral(host), port));
            System.out.println("listening " + host + ":" + port);
            System.out.flush();
            while (true) {
                Socket s = server.accept();
                Thread.ofPlatform().daemon().start(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream();
                        byte[] buf = new byte[8192];
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            out.write(buf, 0, n);
                        }
                    } catch (Exception ignored) {
                        // the client went away
                    }
                });
            }
        }
    }

    private static void client(String host, int port, String text, String admin) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(host), port), 10_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            System.out.println("echo=" + new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/stats", "/clusters"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.print(r.body());
        }
        System.out.flush();
    }
}
